package org.llmfhiradapter.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyFactor;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.plot.PlotCurve;
import org.llmfhiradapter.plot.PlotFile;
import org.llmfhiradapter.plot.SurvivalPlot;

/**
 * The study's Kaplan-Meier plots, from the same result as the table and the MeasureReport: OS and
 * RFS of the cohort, and OS by each factor with its log-rank p. File names are stable so a report
 * can link them.
 */
public final class StudyPlots {

  private static final String TIME_AXIS = "Months from the hepatic resection";

  private StudyPlots() {}

  /** File name → SVG document, in the order of the printed table. */
  public static Map<String, String> render(StudyResult result) {
    return render(result, CellSuppression.NONE);
  }

  /**
   * File name → SVG document; small cells withheld: no curve of a group smaller than the minimum
   * (none at all for a cohort that small), at-risk counts below it shown as "<k".
   */
  public static Map<String, String> render(StudyResult result, CellSuppression hide) {
    Map<String, String> plots = new LinkedHashMap<>();
    if (result.cohort().included().isEmpty() || hide.hides(result.cohort().included().size())) {
      return plots;
    }
    String cohort = "Cohort '" + result.cohortName() + "', data cut-off " + result.dataCutoff();
    plots.put("km-os.svg", single("Overall survival", cohort, result.overallSurvival(), hide));
    plots.put(
        "km-rfs.svg",
        single("Recurrence-free survival", cohort, result.recurrenceFreeSurvival(), hide));
    for (FactorResult factor : result.factors()) {
      java.util.Optional<StudyFactor> studyFactor = StudyFactor.byCode(factor.factor());
      // The curves are those of the patients the log-rank p compares (for the recurrence pattern,
      // those who recurred): a p printed over a curve it did not test would misdescribe it.
      List<PlotCurve> curves = new ArrayList<>();
      int notTested = 0;
      int small = 0;
      for (FactorResult.Level level : factor.levels()) {
        if (!factor.testedLevels().contains(level.level())) {
          notTested += level.survival().n();
          continue;
        }
        if (hide.hides(level.survival().n())) {
          small++;
          continue;
        }
        String label = studyFactor.map(f -> f.displayLevel(level.level())).orElse(level.level());
        curves.add(curve(label, level.survival()));
      }
      if (curves.isEmpty()) {
        continue;
      }
      String title =
          "Overall survival by "
              + lowerFirst(studyFactor.map(StudyFactor::label).orElse(factor.factor()));
      plots.put(
          "km-os-" + factor.factor().replace('_', '-') + ".svg",
          new SurvivalPlot(
                  title,
                  TIME_AXIS,
                  CaseRecord.DAYS_PER_MONTH,
                  true,
                  caption(factor, hide.text(notTested), small, hide),
                  curves,
                  hide.minCellSize())
              .toSvg());
    }
    return plots;
  }

  /**
   * Writes every plot into {@code dir} in each format (same name, its extension); returns the files
   * written.
   */
  public static List<Path> write(
      StudyResult result, Path dir, CellSuppression hide, List<PlotFile.Format> formats)
      throws IOException {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, String> plot : render(result, hide).entrySet()) {
      String name =
          plot.getKey()
              .substring(0, plot.getKey().length() - PlotFile.Format.SVG.extension().length());
      for (PlotFile.Format format : new LinkedHashSet<>(formats)) {
        Path file = dir.resolve(name + format.extension());
        PlotFile.write(plot.getValue(), file);
        written.add(file);
      }
    }
    return written;
  }

  private static String single(
      String title, String caption, SurvivalSummary survival, CellSuppression hide) {
    return new SurvivalPlot(
            title,
            TIME_AXIS,
            CaseRecord.DAYS_PER_MONTH,
            true,
            caption,
            List.of(curve("All patients", survival)),
            hide.minCellSize())
        .toSvg();
  }

  private static PlotCurve curve(String label, SurvivalSummary s) {
    String median =
        s.medianDays().reached()
            ? "median "
                + months(s.medianMonths())
                + " mo, 95% CI "
                + months(s.lowerMonths())
                + "-"
                + months(s.upperMonths())
            : "median not reached";
    return new PlotCurve(
        label,
        median,
        s.n(),
        s.curve(),
        s.medianDays().reached() ? s.medianDays().estimate() : Double.NaN);
  }

  private static String caption(
      FactorResult factor, String notTested, int small, CellSuppression hide) {
    StringBuilder caption = new StringBuilder();
    if (factor.logRank() == null) {
      caption.append("Log-rank test not computable");
    } else {
      double p = factor.logRankP();
      caption
          .append("Log-rank p ")
          .append(p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "= %.3f", p));
      if (factor.factor().equals(StudyFactor.RECURRENCE_PATTERN.code())) {
        caption.append(" among the patients who recurred");
      }
    }
    if (!notTested.equals("0")) {
      caption.append("; ").append(notTested).append(" without recurrence not shown");
    }
    if (small > 0) {
      caption
          .append("; ")
          .append(small)
          .append(small == 1 ? " group" : " groups")
          .append(" of fewer than ")
          .append(hide.minCellSize())
          .append(" patients not shown");
    }
    if (factor.missing() > 0) {
      caption.append("; ").append(hide.text(factor.missing())).append(" unknown, not shown");
    }
    return caption.toString();
  }

  /**
   * A limit that cannot be estimated is NA, as in the text summary and R's print (NR is for a
   * median).
   */
  private static String months(double value) {
    return SummaryText.fixed(value, 1);
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() || text.startsWith("R0") || text.startsWith("LLM")
        ? text
        : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
