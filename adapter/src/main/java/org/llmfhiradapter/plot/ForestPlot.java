package org.llmfhiradapter.plot;

import java.util.List;
import java.util.Locale;

/**
 * A forest plot of hazard ratios: one row per model term, its estimate as a square and its 95% CI
 * as a line on a log scale, a dashed line at 1 (no effect). Limits beyond the axis (a possibly
 * infinite coefficient) are drawn to its edge with an arrow head. SVG, as the Kaplan-Meier plots.
 *
 * @param rows the terms, top to bottom
 */
public record ForestPlot(String title, List<Row> rows) {

  /**
   * One term: its name, what it compares (a second, smaller line, so that long names never run into
   * the plot), its hazard ratio and CI.
   */
  public record Row(String label, String comparison, double hr, double lower, double upper) {}

  private static final double WIDTH = 760;
  private static final double LABEL_WIDTH = 340;
  private static final double ROW = 38;

  /** Characters of a label that fit its column at 12 px; a longer one is cut with an ellipsis. */
  private static final int LABEL_CHARS = 52;

  private static final double TOP = 44;

  public ForestPlot {
    rows = List.copyOf(rows);
  }

  public String toSvg() {
    double[] range = range();
    double left = LABEL_WIDTH + 16;
    double right = WIDTH - 24;
    double height = TOP + ROW * rows.size() + 56;
    Svg svg = new Svg(WIDTH, height);
    svg.text(8, 22, "title", "start", title);
    double bottom = TOP + ROW * rows.size();
    double one = x(1, range, left, right);
    svg.line("median", one, TOP - 8, one, bottom);
    svg.line("axis", left, bottom, right, bottom);
    for (double tick : ticks(range)) {
      double x = x(tick, range, left, right);
      svg.line("axis", x, bottom, x, bottom + 5);
      svg.text(x, bottom + 20, "tick", "middle", number(tick));
    }
    svg.text(
        (left + right) / 2, bottom + 42, "label", "middle", "Hazard ratio (95% CI, log scale)");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      double y = TOP + ROW * i + ROW / 2;
      svg.text(8, y - 3, "legend", "start", fit(row.label()));
      svg.text(8, y + 12, "caption", "start", fit(row.comparison()));
      if (!(row.hr() > 0) || !Double.isFinite(row.hr())) {
        continue;
      }
      double lo = x(clamp(row.lower(), range), range, left, right);
      double hi = x(clamp(row.upper(), range), range, left, right);
      svg.line("key", "#0072B2", lo, y, hi, y);
      double at = x(clamp(row.hr(), range), range, left, right);
      svg.square(at, y, 5, "#0072B2");
    }
    return svg.close();
  }

  /**
   * From a quarter of the smallest limit to four times the largest, in powers of 2, at least 0.25
   * to 4.
   */
  private double[] range() {
    double low = 0.25;
    double high = 4;
    for (Row row : rows) {
      for (double v : new double[] {row.lower(), row.hr(), row.upper()}) {
        if (v > 0 && Double.isFinite(v)) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
    }
    low = Math.max(Math.pow(2, Math.floor(Math.log(low) / Math.log(2))), 1.0 / 1024);
    high = Math.min(Math.pow(2, Math.ceil(Math.log(high) / Math.log(2))), 1024);
    return new double[] {low, high};
  }

  private static double clamp(double v, double[] range) {
    return !(v > 0) ? range[0] : Math.min(Math.max(v, range[0]), range[1]);
  }

  private static double x(double v, double[] range, double left, double right) {
    double span = Math.log(range[1]) - Math.log(range[0]);
    return left + (Math.log(v) - Math.log(range[0])) / span * (right - left);
  }

  private static List<Double> ticks(double[] range) {
    int first = (int) Math.round(Math.log(range[0]) / Math.log(2));
    int last = (int) Math.round(Math.log(range[1]) / Math.log(2));
    int step = Math.max(1, (last - first) / 8);
    java.util.ArrayList<Double> ticks = new java.util.ArrayList<>();
    for (int e = first; e <= last; e += step) {
      ticks.add(Math.pow(2, e));
    }
    return ticks;
  }

  private static String fit(String text) {
    return text.length() <= LABEL_CHARS ? text : text.substring(0, LABEL_CHARS - 1) + "\u2026";
  }

  private static String number(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
