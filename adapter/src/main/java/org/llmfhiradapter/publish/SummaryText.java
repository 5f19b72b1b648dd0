package org.llmfhiradapter.publish;

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

/**
 * The human summary printed at the end of a run: the cohort, then the abstract's table of results.
 */
public final class SummaryText {

  private SummaryText() {}

  public static String render(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    CellSuppression hide = run.suppression();
    StringBuilder out = new StringBuilder();
    out.append("LLM cohort '")
        .append(result.cohortName())
        .append("' (data cut-off ")
        .append(result.dataCutoff())
        .append(") from ")
        .append(run.sourceUrl())
        .append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Patients pulled: %s, included: %s, excluded: %s%s%n",
            hide.text(cohort.pulled()),
            hide.text(cohort.included().size()),
            hide.text(cohort.excluded().size()),
            cohort.unfetched().isEmpty()
                ? ""
                : ", NOT FETCHED: " + cohort.unfetched().size() + " (listed in results.json)"));
    if (cohort.mergedCandidates() > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "  (%s more candidates were the other half of a merged chart: counted once)%n",
              hide.text(cohort.mergedCandidates())));
    }
    for (Map.Entry<String, Integer> e : cohort.exclusionCounts().entrySet()) {
      out.append(
          String.format(
              Locale.ROOT, "  excluded, %s: %s%n", label(e.getKey()), hide.text(e.getValue())));
    }
    if (!cohort.dataQuality().isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "Data-quality warnings: %s (see data_quality in results.json)%n",
              hide.text(cohort.warnings().size())));
    }
    if (!cohort.included().isEmpty()) {
      patients(result, out, hide);
      survival(result, out, hide);
      cox(result.cox(), out, hide);
    }
    if (hide.active()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nSmall cells suppressed: counts of 1 to %d patients read <%d, and"
                  + " statistics of groups that small are not shown (llm.publish.min-cell-size)%n",
              hide.minCellSize() - 1,
              hide.minCellSize()));
    }
    if (run.publication() != null) {
      out.append("\nMeasureReport ")
          .append(run.publication().created() ? "created" : "updated")
          .append(": ")
          .append(run.publication().reportUrl())
          .append('\n');
    } else {
      out.append("\nMeasureReport not written (llm.publish.enabled=false)\n");
    }
    return out.toString();
  }

  private static void patients(StudyResult result, StringBuilder out, CellSuppression hide) {
    Map<String, VariableSummary> v = new java.util.HashMap<>();
    result.variables().forEach(s -> v.put(s.name(), s));
    out.append(
        String.format(
            Locale.ROOT, "%nPatients (n = %s)%n", hide.text(result.cohort().included().size())));
    Map<String, Integer> sex = v.get("sex").levels();
    row(
        out,
        "Male / female",
        hide.text(sex.get("male")) + " / " + hide.text(sex.get("female")),
        "");
    numberRow(hide, out, "Age at resection, median (years)", v.get("age_years"));
    yesRow(hide, out, "R0 margin at the primary resection", v.get("primary_r0"));
    numberRow(hide, out, "Diagnosis to LLM, median (months)", v.get("dx_to_llm_months"));
    yesRow(hide, out, "Synchronous (< 6 months)", v.get("synchronous"));
    yesRow(
        hide,
        out,
        "LLM >= 12 months after primary resection",
        v.get("primary_resection_to_llm_ge_12"));
    numberRow(hide, out, "Largest LLM, median (cm)", v.get("largest_llm_cm"));
    yesRow(hide, out, "Largest LLM < 5 cm", v.get("largest_llm_lt_5cm"));
    yesRow(hide, out, "Multiple LLM", v.get("multiple_llm"));
    yesRow(hide, out, "Neoadjuvant chemotherapy", v.get("neoadjuvant_chemo"));
    Map<String, Integer> response = v.get("chemo_response").levels();
    row(
        out,
        "  responded / stable / progressed",
        hide.text(response.get("responded"))
            + " / "
            + hide.text(response.get("stable"))
            + " / "
            + hide.text(response.get("progressed")),
        "");
    yesRow(hide, out, "Major hepatectomy", v.get("major_hepatectomy"));
    yesRow(hide, out, "RFA", v.get("rfa"));
    yesRow(hide, out, "Recurred", v.get("recurred"));
  }

  private static void survival(StudyResult result, StringBuilder out, CellSuppression hide) {
    out.append(
        String.format(
            Locale.ROOT,
            "%n%-44s %4s %6s  %s%n",
            "Survival (months)",
            "n",
            "events",
            "median (95% CI)"));
    curve(hide, out, "Overall survival", result.overallSurvival(), "");
    curve(hide, out, "Recurrence-free survival", result.recurrenceFreeSurvival(), "");
    for (FactorResult factor : result.factors()) {
      String title =
          "OS by "
              + label(factor)
              + (factor.missing() > 0 ? " (" + hide.text(factor.missing()) + " unknown)" : "");
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
        curve(hide, out, "  " + level.level(), level.survival(), "");
      }
    }
  }

  private static void cox(CoxResult cox, StringBuilder out, CellSuppression hide) {
    if (cox == null) {
      out.append("\nCox model of OS: not estimable (no complete cases with deaths)\n");
      return;
    }
    if (hide.hides(cox.n())) {
      out.append("\nCox model of OS: suppressed (fewer than ")
          .append(hide.minCellSize())
          .append(" patients with all four factors known)\n");
      return;
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nCox model of OS (n = %d, %s deaths; Efron ties)%n",
            cox.n(),
            hide.text(cox.fit().events())));
    out.append(String.format(Locale.ROOT, "  %-52s %6s  %-15s %s%n", "", "HR", "95% CI", "p"));
    for (CoxResult.Term term : cox.terms()) {
      String name = term.factor() + ": " + term.level() + " vs " + term.reference();
      out.append(
          String.format(
              Locale.ROOT,
              "  %-52s %6s  %-15s %s%n",
              name,
              ratio(term.hr()),
              ratio(term.hrLower()) + "-" + ratio(term.hrUpper()),
              p(term.p())));
    }
    cox.fit().warnings().forEach(w -> out.append("  warning: ").append(w.strip()).append('\n'));
    if (cox.proportionalHazards() != null) {
      out.append(
          "  Proportional hazards (cox.zph, transform km; a small p: the hazard ratio changes over time)\n");
      for (ProportionalHazardsTest.Row row : cox.proportionalHazards().rows()) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %-52s chisq %6.2f on %d df, p %s%s%n",
                row.term(),
                row.chisq(),
                row.df(),
                p(row.p()),
                row.fails() ? "  fails" : ""));
      }
    }
  }

  private static void curve(
      CellSuppression hide, StringBuilder out, String name, SurvivalSummary s, String p) {
    String median =
        hide.hides(s.n())
            ? "(suppressed)"
            : s.medianDays().reached()
                ? fixed(s.medianMonths(), 1)
                    + " ("
                    + fixed(s.lowerMonths(), 1)
                    + "-"
                    + fixed(s.upperMonths(), 1)
                    + ")"
                : "not reached";
    String events = hide.hides(s.n()) ? "" : hide.text(s.events());
    out.append(
        String.format(
            Locale.ROOT, "  %-42s %4s %6s  %s%n", name, hide.text(s.n()), events, median));
  }

  private static void row(StringBuilder out, String name, String value, String percent) {
    out.append(String.format(Locale.ROOT, "  %-44s %-12s %s%n", name, value, percent));
  }

  private static void yesRow(
      CellSuppression hide, StringBuilder out, String name, VariableSummary v) {
    // A percentage of a hidden count would give the count back.
    String percent =
        v.known() == 0 || hide.hides(v.yes()) || hide.hides(v.known())
            ? ""
            : Math.round(100.0 * v.yes() / v.known()) + "%";
    row(out, name, hide.text(v.yes()) + " / " + hide.text(v.known()), percent);
  }

  private static void numberRow(
      CellSuppression hide, StringBuilder out, String name, VariableSummary v) {
    row(
        out,
        name,
        hide.hides(v.known()) ? "(suppressed)" : v.median() == null ? "NA" : fixed(v.median(), 1),
        hide.hides(v.known()) || v.q1() == null
            ? ""
            : "IQR " + fixed(v.q1(), 1) + "-" + fixed(v.q3(), 1));
  }

  static String fixed(double value, int decimals) {
    return Double.isNaN(value)
        ? "NA"
        : Double.isInfinite(value)
            ? "Inf"
            : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /**
   * A hazard ratio: three decimals, or three significant digits when very small or large
   * (separation).
   */
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

  /** How an exclusion reason's code reads (its label; an unknown code as is). */
  static String label(String code) {
    for (ExclusionReason reason : ExclusionReason.values()) {
      if (reason.code().equals(code)) {
        return reason.label();
      }
    }
    return code;
  }
}
