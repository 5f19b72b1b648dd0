package org.llmfhiradapter.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.llmfhiradapter.survival.KmStep;

/**
 * A Kaplan-Meier plot as a standalone SVG document, drawn the way survival papers draw them: step
 * curves from 100% at time 0, a tick where a patient is censored, the 95% confidence band when
 * there is a single curve (or on every curve when asked), a legend, and the number at risk under
 * the time axis. SVG because any browser shows it, it scales for a slide or a paper, and it is
 * checkable as text; {@link PlotFile} renders it as PNG or PDF.
 *
 * @param title the heading (e.g. {@code Overall survival by primary margin})
 * @param timeLabel the time axis title, with its unit
 * @param timeDivisor what a curve's times are divided by for the axis (e.g. days per month); 1 for
 *     none
 * @param months whether the axis unit is months (ticks then fall on whole years)
 * @param caption a line under the title (e.g. the log-rank p); empty for none
 * @param curves the curves, drawn and listed in this order
 * @param minCellSize counts below it read "&lt;k" (0: all shown)
 * @param breakEvery the interval between time ticks; 0 chooses it
 * @param bandOnEveryCurve whether each of several curves gets its confidence band (one curve always
 *     has it)
 */
public record SurvivalPlot(
    String title,
    String timeLabel,
    double timeDivisor,
    boolean months,
    String caption,
    List<PlotCurve> curves,
    int minCellSize,
    double breakEvery,
    boolean bandOnEveryCurve) {

  /** Okabe-Ito colours: told apart by readers with any common colour-vision deficiency. */
  private static final String[] COLORS = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"
  };

  static final double WIDTH = 760;
  static final double TOP = 64;
  static final double PLOT_HEIGHT = 300;
  static final double RIGHT_MARGIN = 24;
  private static final double ROW = 18;

  /** Width of a character of the 12 px legend, generous (Helvetica averages about 6.5 px). */
  private static final double CHAR_WIDTH = 7;

  /**
   * Width of a character of the risk table's 12-13 px row names in the widest common sans (DejaVu
   * Sans, what a Linux server renders PNG and PDF with), so that "censored" clears the first column
   * there too.
   */
  private static final double ROW_NAME_CHAR_WIDTH = 8;

  /**
   * The risk table's row names start this far from the left edge, and end this far before its first
   * column.
   */
  private static final double ROW_NAME_INSET = 8;

  private static final double ROW_NAME_GAP = 20;

  /**
   * The widest the risk table's row names may make the left margin; longer names end in an
   * ellipsis.
   */
  private static final double MAX_LEFT = 200;

  /** The longest name of a risk-table row that is not a curve's. */
  private static final String RISK_ROW_NAME = "censored";

  /** A plot with every count shown. */
  public SurvivalPlot(
      String title,
      String timeLabel,
      double timeDivisor,
      boolean months,
      String caption,
      List<PlotCurve> curves) {
    this(title, timeLabel, timeDivisor, months, caption, curves, 0, 0, false);
  }

  /** A plot whose at-risk counts below {@code minCellSize} read "<k". */
  public SurvivalPlot(
      String title,
      String timeLabel,
      double timeDivisor,
      boolean months,
      String caption,
      List<PlotCurve> curves,
      int minCellSize) {
    this(title, timeLabel, timeDivisor, months, caption, curves, minCellSize, 0, false);
  }

  /**
   * The same plot with ticks (and at-risk counts) every {@code every} time units; 0 chooses them.
   */
  public SurvivalPlot withBreaks(double every) {
    return new SurvivalPlot(
        title,
        timeLabel,
        timeDivisor,
        months,
        caption,
        curves,
        minCellSize,
        every,
        bandOnEveryCurve);
  }

  /**
   * The same plot with a confidence band on every curve (true) or only when there is one curve
   * (false).
   */
  public SurvivalPlot withBands(boolean onEveryCurve) {
    return new SurvivalPlot(
        title,
        timeLabel,
        timeDivisor,
        months,
        caption,
        curves,
        minCellSize,
        breakEvery,
        onEveryCurve);
  }

  public SurvivalPlot {
    if (!(timeDivisor > 0)) {
      throw new IllegalArgumentException("timeDivisor must be > 0");
    }
    if (!(breakEvery >= 0) || Double.isInfinite(breakEvery)) {
      throw new IllegalArgumentException("breakEvery must be 0 (automatic) or a positive time");
    }
    caption = caption == null ? "" : caption;
    curves = List.copyOf(curves);
  }

  /** The SVG document (UTF-8 text). */
  public String toSvg() {
    Frame frame = frame();
    // The legend (a curve's entry may wrap), the table's heading, and per curve three rows: at
    // risk, censored, events.
    double height = legendTop(frame) + ROW * (legendRows(frame) + 3 * curves.size() + 1) + 20;
    Svg svg = new Svg(WIDTH, height);
    svg.text(WIDTH / 2, 26, "title", "middle", title);
    if (!caption.isEmpty()) {
      svg.text(WIDTH / 2, 46, "caption", "middle", caption);
    }
    axes(svg, frame);
    for (int i = 0; i < curves.size(); i++) {
      PlotCurve curve = curves.get(i);
      String color = COLORS[i % COLORS.length];
      if (curves.size() == 1 || bandOnEveryCurve) {
        band(svg, frame, curve, color);
      }
      svg.path("curve", color, curvePath(frame, curve), curve.label());
      String censored = censorPath(frame, curve);
      if (!censored.isEmpty()) {
        svg.path("censor", color, censored, curve.label());
      }
    }
    legend(svg, frame);
    riskTable(svg, frame);
    return svg.close();
  }

  /** Where the plot area sits, and how times and survival map onto it. */
  Frame frame() {
    double maxTime = 0;
    for (PlotCurve curve : curves) {
      for (KmStep step : curve.steps()) {
        maxTime = Math.max(maxTime, step.time() / timeDivisor);
      }
    }
    // The risk table's row names (a curve's label, "censored", "events") end before its first
    // column.
    int longestLabel =
        Math.max(
            RISK_ROW_NAME.length(),
            curves.stream().mapToInt(c -> c.label().length()).max().orElse(0));
    double left =
        Math.min(
            MAX_LEFT,
            Math.max(72, ROW_NAME_INSET + ROW_NAME_GAP + ROW_NAME_CHAR_WIDTH * longestLabel));
    return new Frame(
        left,
        WIDTH - RIGHT_MARGIN,
        TOP,
        TOP + PLOT_HEIGHT,
        breakEvery > 0
            ? AxisTicks.every(breakEvery, maxTime)
            : AxisTicks.covering(maxTime, months));
  }

  /** The plot area and its scales. */
  record Frame(double left, double right, double top, double bottom, AxisTicks ticks) {
    double x(double axisTime) {
      return left + axisTime / ticks.max() * (right - left);
    }

    double y(double survival) {
      return bottom - survival * (bottom - top);
    }
  }

  private void axes(Svg svg, Frame f) {
    for (int i = 0; i <= 4; i++) {
      double s = i / 4.0;
      svg.line("grid", f.left(), f.y(s), f.right(), f.y(s));
      svg.text(f.left() - 8, f.y(s) + 4, "tick", "end", (i * 25) + "%");
    }
    svg.line("median", f.left(), f.y(0.5), f.right(), f.y(0.5));
    // Median drop lines: from the 50% line down to each reached median, so that it reads off the
    // time axis.
    for (PlotCurve curve : curves) {
      double median = curve.median() / timeDivisor;
      if (Double.isFinite(median) && median >= 0 && median <= f.ticks().max()) {
        svg.line("median", f.x(median), f.y(0.5), f.x(median), f.bottom());
      }
    }
    for (int i = 0; i < f.ticks().count(); i++) {
      double x = f.x(f.ticks().at(i));
      svg.line("axis", x, f.bottom(), x, f.bottom() + 5);
      svg.text(x, f.bottom() + 20, "tick", "middle", number(f.ticks().at(i)));
    }
    svg.line("axis", f.left(), f.bottom(), f.right(), f.bottom());
    svg.line("axis", f.left(), f.top(), f.left(), f.bottom());
    svg.text((f.left() + f.right()) / 2, f.bottom() + 42, "label", "middle", timeLabel);
    svg.rotatedText(18, (f.top() + f.bottom()) / 2, "label", "Survival");
  }

  String curvePath(Frame f, PlotCurve curve) {
    StringBuilder d = new StringBuilder();
    d.append("M").append(xy(f.x(0), f.y(1)));
    double last = 0;
    for (KmStep step : curve.steps()) {
      double x = f.x(step.time() / timeDivisor);
      if (step.nEvent() > 0) {
        d.append(" H").append(fmt(x)).append(" V").append(fmt(f.y(step.surv())));
      }
      last = x;
    }
    if (!curve.steps().isEmpty()) {
      d.append(" H").append(fmt(last));
    }
    return d.toString();
  }

  String censorPath(Frame f, PlotCurve curve) {
    StringBuilder d = new StringBuilder();
    for (KmStep step : curve.steps()) {
      if (step.nCensor() > 0) {
        double x = f.x(step.time() / timeDivisor);
        double y = f.y(step.surv());
        d.append(d.isEmpty() ? "" : " ")
            .append("M")
            .append(xy(x, y - 5))
            .append(" V")
            .append(fmt(y + 5));
      }
    }
    return d.toString();
  }

  /** The pointwise CI as a shaded step band, up to the first time a limit is undefined (R's NA). */
  private void band(Svg svg, Frame f, PlotCurve curve, String color) {
    List<double[]> upper = new ArrayList<>();
    List<double[]> lower = new ArrayList<>();
    upper.add(new double[] {f.x(0), f.y(1)});
    lower.add(new double[] {f.x(0), f.y(1)});
    for (KmStep step : curve.steps()) {
      if (step.nEvent() == 0) {
        continue;
      }
      if (!Double.isFinite(step.lower()) || !Double.isFinite(step.upper())) {
        break;
      }
      double x = f.x(step.time() / timeDivisor);
      upper.add(new double[] {x, upper.get(upper.size() - 1)[1]});
      upper.add(new double[] {x, f.y(step.upper())});
      lower.add(new double[] {x, lower.get(lower.size() - 1)[1]});
      lower.add(new double[] {x, f.y(step.lower())});
    }
    if (upper.size() < 2) {
      return;
    }
    double end = f.x(curve.steps().get(curve.steps().size() - 1).time() / timeDivisor);
    upper.add(new double[] {end, upper.get(upper.size() - 1)[1]});
    lower.add(new double[] {end, lower.get(lower.size() - 1)[1]});
    StringBuilder d = new StringBuilder("M");
    for (int i = 0; i < upper.size(); i++) {
      d.append(i == 0 ? "" : " L").append(xy(upper.get(i)[0], upper.get(i)[1]));
    }
    for (int i = lower.size() - 1; i >= 0; i--) {
      d.append(" L").append(xy(lower.get(i)[0], lower.get(i)[1]));
    }
    d.append(" Z");
    svg.band(color, d.toString());
  }

  /** Below the axis rather than on the plot, where it would hide a curve sooner or later. */
  private void legend(Svg svg, Frame f) {
    double y = legendTop(f);
    for (int i = 0; i < curves.size(); i++) {
      svg.line("key", COLORS[i % COLORS.length], f.left(), y - 4, f.left() + 24, y - 4);
      for (String line : legendLines(f, curves.get(i))) {
        svg.text(f.left() + 32, y, "legend", "start", line);
        y += ROW;
      }
    }
  }

  /** A curve's legend entry, wrapped at spaces to the width right of its key. */
  private List<String> legendLines(Frame f, PlotCurve curve) {
    String text =
        curve.label()
            + "  (n = "
            + count(curve.n())
            + (curve.note().isEmpty() ? "" : "; " + curve.note())
            + ")";
    return TextFit.wrap(text, (int) ((WIDTH - RIGHT_MARGIN - f.left() - 32) / CHAR_WIDTH));
  }

  private int legendRows(Frame f) {
    return curves.stream().mapToInt(curve -> legendLines(f, curve).size()).sum();
  }

  /** A count of patients, or "<k" when small-cell suppression withholds it. */
  private String count(int n) {
    return n > 0 && n < minCellSize ? "<" + minCellSize : Integer.toString(n);
  }

  private static double legendTop(Frame f) {
    return f.bottom() + 66;
  }

  /**
   * Under the axis, per curve and tick, as lifelines' {@code add_at_risk_counts}: those at risk at
   * the tick, and those censored and those who had the event before it (the three add up to n).
   */
  private void riskTable(Svg svg, Frame f) {
    double y = legendTop(f) + ROW * (legendRows(f) + 1) + 8;
    int nameChars = (int) ((f.left() - ROW_NAME_INSET - ROW_NAME_GAP) / ROW_NAME_CHAR_WIDTH);
    svg.text(8, y - ROW, "label", "start", "Number at risk (censored, events before each time)");
    for (int i = 0; i < curves.size(); i++) {
      PlotCurve curve = curves.get(i);
      svg.coloredText(
          ROW_NAME_INSET, y, COLORS[i % COLORS.length], TextFit.shorten(curve.label(), nameChars));
      svg.text(ROW_NAME_INSET, y + ROW, "label", "start", RISK_ROW_NAME);
      svg.text(ROW_NAME_INSET, y + 2 * ROW, "label", "start", "events");
      for (int k = 0; k < f.ticks().count(); k++) {
        double t = f.ticks().at(k) * timeDivisor;
        int atRisk = k == 0 ? curve.n() : curve.atRisk(t);
        svg.text(f.x(f.ticks().at(k)), y, "risk", "middle", count(atRisk));
        svg.text(f.x(f.ticks().at(k)), y + ROW, "risk", "middle", count(curve.censoredBefore(t)));
        svg.text(f.x(f.ticks().at(k)), y + 2 * ROW, "risk", "middle", count(curve.eventsBefore(t)));
      }
      y += 3 * ROW;
    }
  }

  private static String number(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3g", value);
  }

  private static String xy(double x, double y) {
    return fmt(x) + "," + fmt(y);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
