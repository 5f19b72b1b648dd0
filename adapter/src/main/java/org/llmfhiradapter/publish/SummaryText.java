package org.llmfhiradapter.publish;

import java.util.Locale;
import java.util.Map;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.cohort.ExclusionReason;

/** The short human summary printed at the end of a run. */
public final class SummaryText {

  private SummaryText() {}

  public static String render(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    StringBuilder out = new StringBuilder();
    out.append("LLM cohort '").append(result.cohortName()).append("' (data cut-off ").append(result.dataCutoff())
        .append(") from ").append(run.sourceUrl()).append('\n');
    out.append(String.format(Locale.ROOT, "Patients pulled: %d, included: %d, excluded: %d%n",
        cohort.pulled(), cohort.included().size(), cohort.excluded().size()));
    for (Map.Entry<String, Integer> e : cohort.exclusionCounts().entrySet()) {
      out.append(String.format(Locale.ROOT, "  excluded, %s: %d%n", label(e.getKey()), e.getValue()));
    }
    out.append(endpoint("Overall survival", "deaths", result.overallSurvival()));
    if (run.publication() != null) {
      out.append("MeasureReport ").append(run.publication().created() ? "created" : "updated").append(": ")
          .append(run.publication().reportUrl()).append('\n');
    } else {
      out.append("MeasureReport not written (llm.publish.enabled=false)\n");
    }
    return out.toString();
  }

  static String endpoint(String name, String eventWord, SurvivalSummary s) {
    if (s.n() == 0) {
      return name + ": no patients included\n";
    }
    String median = s.medianDays().reached() ? months(s.medianMonths()) + " months" : "not reached";
    return String.format(Locale.ROOT, "%s (n=%d, %d %s): median %s (95%% CI %s to %s)%n",
        name, s.n(), s.events(), eventWord, median, months(s.lowerMonths()), months(s.upperMonths()));
  }

  private static String months(double value) {
    return Double.isNaN(value) ? "NA" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String label(String code) {
    for (ExclusionReason reason : ExclusionReason.values()) {
      if (reason.code().equals(code)) {
        return reason.label();
      }
    }
    return code;
  }
}
