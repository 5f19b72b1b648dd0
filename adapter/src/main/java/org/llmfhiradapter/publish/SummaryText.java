package org.llmfhiradapter.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.llmfhiradapter.analysis.CoxResult;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyFactor;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.analysis.VariableSummary;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.cohort.ExclusionReason;
import org.llmfhiradapter.survival.ProportionalHazardsTest;

/** The human summary printed at the end of a run: the cohort, then the abstract's table of results. */
public final class SummaryText {

  private SummaryText() {}

  public static String render(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    StringBuilder out = new StringBuilder();
    out.append("LLM cohort '").append(result.cohortName()).append("' (data cut-off ").append(result.dataCutoff())
        .append(") from ").append(run.sourceUrl()).append('\n');
    out.append(String.format(Locale.ROOT, "Patients pulled: %d, included: %d, excluded: %d%s%n",
        cohort.pulled(), cohort.included().size(), cohort.excluded().size(),
        cohort.unfetched().isEmpty() ? "" : ", NOT FETCHED: " + cohort.unfetched().size() + " (listed in results.json)"));
    if (cohort.mergedCandidates() > 0) {
      out.append(String.format(Locale.ROOT, "  (%d more candidates were the other half of a merged chart: counted once)%n",
          cohort.mergedCandidates()));
    }
    for (Map.Entry<String, Integer> e : cohort.exclusionCounts().entrySet()) {
      out.append(String.format(Locale.ROOT, "  excluded, %s: %d%n", label(e.getKey()), e.getValue()));
    }
    if (!cohort.dataQuality().isEmpty()) {
      out.append(String.format(Locale.ROOT, "Data-quality warnings: %d (see data_quality in results.json)%n",
          cohort.warnings().size()));
    }
    if (!cohort.included().isEmpty()) {
      patients(result, out);
      survival(result, out);
      cox(result.cox(), out);
    }
    if (run.publication() != null) {
      out.append("\nMeasureReport ").append(run.publication().created() ? "created" : "updated").append(": ")
          .append(run.publication().reportUrl()).append('\n');
    } else {
      out.append("\nMeasureReport not written (llm.publish.enabled=false)\n");
    }
    return out.toString();
  }

  private static void patients(StudyResult result, StringBuilder out) {
    Map<String, VariableSummary> v = new java.util.HashMap<>();
    result.variables().forEach(s -> v.put(s.name(), s));
    out.append(String.format(Locale.ROOT, "%nPatients (n = %d)%n", result.cohort().included().size()));
    Map<String, Integer> sex = v.get("sex").levels();
    row(out, "Male / female", sex.get("male") + " / " + sex.get("female"), "");
    numberRow(out, "Age at resection, median (years)", v.get("age_years"));
    yesRow(out, "R0 margin at the primary resection", v.get("primary_r0"));
    numberRow(out, "Diagnosis to LLM, median (months)", v.get("dx_to_llm_months"));
    yesRow(out, "Synchronous (< 6 months)", v.get("synchronous"));
    yesRow(out, "LLM >= 12 months after primary resection", v.get("primary_resection_to_llm_ge_12"));
    numberRow(out, "Largest LLM, median (cm)", v.get("largest_llm_cm"));
    yesRow(out, "Largest LLM < 5 cm", v.get("largest_llm_lt_5cm"));
    yesRow(out, "Multiple LLM", v.get("multiple_llm"));
    yesRow(out, "Neoadjuvant chemotherapy", v.get("neoadjuvant_chemo"));
    Map<String, Integer> response = v.get("chemo_response").levels();
    row(out, "  responded / stable / progressed",
        response.get("responded") + " / " + response.get("stable") + " / " + response.get("progressed"), "");
    yesRow(out, "Major hepatectomy", v.get("major_hepatectomy"));
    yesRow(out, "RFA", v.get("rfa"));
    yesRow(out, "Recurred", v.get("recurred"));
  }

  private static void survival(StudyResult result, StringBuilder out) {
    out.append(String.format(Locale.ROOT, "%n%-44s %4s %6s  %s%n", "Survival (months)", "n", "events", "median (95% CI)"));
    curve(out, "Overall survival", result.overallSurvival(), "");
    curve(out, "Recurrence-free survival", result.recurrenceFreeSurvival(), "");
    for (FactorResult factor : result.factors()) {
      String title = "OS by " + label(factor)
          + (factor.missing() > 0 ? " (" + factor.missing() + " unknown)" : "");
      out.append("  ").append(title);
      if (factor.logRank() != null) {
        String p = p(factor.logRankP());
        out.append(": log-rank p ").append(p.startsWith("<") ? "< " + p.substring(1) : "= " + p);
        if (factor.factor().equals("recurrence_pattern")) {
          out.append(" (among the patients who recurred)");
        }
      }
      out.append('\n');
      for (FactorResult.Level level : factor.levels()) {
        curve(out, "  " + level.level(), level.survival(), "");
      }
    }
  }

  private static void cox(CoxResult cox, StringBuilder out) {
    if (cox == null) {
      out.append("\nCox model of OS: not estimable (no complete cases with deaths)\n");
      return;
    }
    out.append(String.format(Locale.ROOT, "%nCox model of OS (n = %d, %d deaths; Efron ties)%n", cox.n(), cox.fit().events()));
    out.append(String.format(Locale.ROOT, "  %-52s %6s  %-15s %s%n", "", "HR", "95% CI", "p"));
    for (CoxResult.Term term : cox.terms()) {
      String name = term.factor() + ": " + term.level() + " vs " + term.reference();
      out.append(String.format(Locale.ROOT, "  %-52s %6s  %-15s %s%n", name, ratio(term.hr()),
          ratio(term.hrLower()) + "-" + ratio(term.hrUpper()), p(term.p())));
    }
    cox.fit().warnings().forEach(w -> out.append("  warning: ").append(w.strip()).append('\n'));
    if (cox.proportionalHazards() != null) {
      out.append("  Proportional hazards (cox.zph, transform km; a small p: the hazard ratio changes over time)\n");
      List<ProportionalHazardsTest.Row> rows = new ArrayList<>(cox.proportionalHazards().terms());
      rows.add(cox.proportionalHazards().global());
      for (ProportionalHazardsTest.Row row : rows) {
        out.append(String.format(Locale.ROOT, "  %-52s chisq %6.2f on %d df, p %s%s%n", row.term(), row.chisq(),
            row.df(), p(row.p()), row.p() < CoxResult.PH_ALPHA ? "  fails" : ""));
      }
    }
  }

  private static void curve(StringBuilder out, String name, SurvivalSummary s, String p) {
    String median =
        s.medianDays().reached()
            ? fixed(s.medianMonths(), 1) + " (" + fixed(s.lowerMonths(), 1) + "-" + fixed(s.upperMonths(), 1) + ")"
            : "not reached";
    out.append(String.format(Locale.ROOT, "  %-42s %4d %6d  %s%n", name, s.n(), s.events(), median));
  }

  private static void row(StringBuilder out, String name, String value, String percent) {
    out.append(String.format(Locale.ROOT, "  %-44s %-12s %s%n", name, value, percent));
  }

  private static void yesRow(StringBuilder out, String name, VariableSummary v) {
    String percent = v.known() == 0 ? "" : Math.round(100.0 * v.yes() / v.known()) + "%";
    row(out, name, v.yes() + " / " + v.known(), percent);
  }

  private static void numberRow(StringBuilder out, String name, VariableSummary v) {
    row(out, name, v.median() == null ? "NA" : fixed(v.median(), 1), "");
  }

  static String fixed(double value, int decimals) {
    return Double.isNaN(value) ? "NA" : Double.isInfinite(value) ? "Inf" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A hazard ratio: three decimals, or three significant digits when very small or large (separation). */
  private static String ratio(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return fixed(value, 3);
    }
    return value != 0 && (value < 0.001 || value >= 1000)
        ? String.format(Locale.ROOT, "%.2e", value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String p(double p) {
    if (Double.isNaN(p)) {
      return "";
    }
    return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
  }

  private static String label(FactorResult factor) {
    return StudyFactor.byCode(factor.factor()).map(StudyFactor::label).orElse(factor.factor());
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
