package org.llmfhiradapter.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.llmfhiradapter.analysis.CoxResult;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.analysis.StudyFactor;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.analysis.VariableSummary;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.plot.ForestPlot;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * {@code report.html}: the run as one self-contained document a researcher can read in one sitting
 * and print on A4: where the data came from (origins only), the flow from candidates to the cohort,
 * the patients' table, overall and recurrence-free survival, overall survival by each factor with
 * its log-rank p, the Cox model as a forest plot with its proportional-hazards check, the
 * data-quality findings and a methods paragraph written from the run. Figures are inline SVG and
 * the style sheet is inline: nothing is fetched when it is opened. Written as XHTML (well-formed
 * XML), so that any XML parser can check it. The numbers are the summary's and results.json's, with
 * the same small-cell suppression.
 */
public final class ReportHtml {

  private ReportHtml() {}

  public static String render(StudyRun run) {
    StudyResult result = run.result();
    CellSuppression hide = run.suppression();
    Map<String, String> plots = StudyPlots.render(result, hide);
    StringBuilder html = new StringBuilder();
    html.append(
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append(
            "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>")
        .append(esc(title(result)))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style>\n")
        .append("</head>\n<body>\n");
    html.append("<header><h1>").append(esc(title(result))).append("</h1>\n<p class=\"meta\">");
    List<String> origins =
        run.lineage().sources().stream()
            .map(s -> ResultsJson.origin(s.baseUrl()))
            .distinct()
            .toList();
    html.append("Data source: ")
        .append(esc(String.join(", ", origins)))
        .append(" &#183; data cut-off ")
        .append(esc(result.dataCutoff().toString()))
        .append(" &#183; llm-fhir-adapter ")
        .append(esc(run.lineage().adapterVersion()))
        .append("</p></header>\n");
    flow(html, result.cohort(), hide);
    if (!result.cohort().included().isEmpty() && !hide.hides(result.cohort().included().size())) {
      patients(html, result, hide);
      survival(html, result, plots, hide);
      factors(html, result, plots, hide);
      cox(html, result.cox(), hide);
    }
    dataQuality(html, result.cohort(), hide);
    methods(html, run);
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static String title(StudyResult result) {
    return "Survival after resection of leiomyosarcoma liver metastases: cohort '"
        + result.cohortName()
        + "'";
  }

  /** CONSORT-style: candidates pulled, excluded by reason, included. */
  private static void flow(StringBuilder html, Cohort cohort, CellSuppression hide) {
    html.append("<section id=\"flow\"><h2>Patients</h2>\n<div class=\"flow\">\n")
        .append("<div class=\"box\">Candidates pulled from the EHR<br/><b>")
        .append(count(hide, cohort.pulled()))
        .append(
            "</b></div>\n<div class=\"arrow\">&#8595;</div>\n<div class=\"side box\">Excluded <b>")
        .append(count(hide, cohort.excluded().size()))
        .append("</b><ul>");
    cohort
        .exclusionCounts()
        .forEach(
            (code, n) ->
                html.append("<li>")
                    .append(esc(SummaryText.label(code)))
                    .append(": ")
                    .append(count(hide, n))
                    .append("</li>"));
    html.append(
            "</ul></div>\n<div class=\"arrow\">&#8595;</div>\n<div class=\"box\">Included in the cohort<br/><b>")
        .append(count(hide, cohort.included().size()))
        .append("</b></div>\n</div></section>\n");
  }

  /** Table 1: counts with percentages of the known, medians, and how many are missing. */
  private static void patients(StringBuilder html, StudyResult result, CellSuppression hide) {
    html.append("<section id=\"table1\"><h2>Table 1. The patients (n = ")
        .append(count(hide, result.cohort().included().size()))
        .append(")</h2>\n<table>\n")
        .append("<thead><tr><th>Variable</th><th>Value</th><th>Missing</th></tr></thead><tbody>\n");
    for (VariableSummary v : result.variables()) {
      String value;
      if (v.yes() != null) {
        value =
            count(hide, v.yes())
                + " / "
                + count(hide, v.known())
                + (v.known() == 0 || hide.hides(v.yes()) || hide.hides(v.known())
                    ? ""
                    : " (" + Math.round(100.0 * v.yes() / v.known()) + "%)");
      } else if (v.median() != null) {
        value =
            hide.hides(v.known())
                ? "suppressed"
                : "median "
                    + SummaryText.fixed(v.median(), 1)
                    + (v.q1() == null
                        ? ""
                        : " (IQR "
                            + SummaryText.fixed(v.q1(), 1)
                            + "&#8211;"
                            + SummaryText.fixed(v.q3(), 1)
                            + ")");
      } else if (v.levels() != null) {
        List<String> parts = new ArrayList<>();
        v.levels().forEach((level, n) -> parts.add(esc(level) + " " + count(hide, n)));
        value = String.join(", ", parts);
      } else {
        value = "";
      }
      html.append("<tr><td>")
          .append(esc(VARIABLES.getOrDefault(v.name(), v.name().replace('_', ' '))))
          .append("</td><td>")
          .append(value)
          .append("</td><td>")
          .append(count(hide, v.missing()))
          .append("</td></tr>\n");
    }
    html.append("</tbody></table></section>\n");
  }

  private static void survival(
      StringBuilder html, StudyResult result, Map<String, String> plots, CellSuppression hide) {
    html.append(
            "<section id=\"survival\"><h2>Survival</h2>\n<table>\n<thead><tr><th>Endpoint</th><th>n</th>")
        .append("<th>Events</th><th>Median, months (95% CI)</th>");
    for (int month : StudyAnalysis.LANDMARK_MONTHS) {
      html.append("<th>").append(month).append(" months</th>");
    }
    html.append("</tr></thead><tbody>\n");
    endpointRow(html, "Overall survival", result.overallSurvival(), hide);
    endpointRow(html, "Recurrence-free survival", result.recurrenceFreeSurvival(), hide);
    html.append("</tbody></table>\n");
    figure(
        html,
        plots.get("km-os.svg"),
        "Overall survival from the hepatic resection (Kaplan-Meier, 95% CI)");
    figure(
        html,
        plots.get("km-rfs.svg"),
        "Recurrence-free survival from the hepatic resection (Kaplan-Meier)");
    html.append("</section>\n");
  }

  private static void endpointRow(
      StringBuilder html, String name, SurvivalSummary s, CellSuppression hide) {
    html.append("<tr><td>").append(esc(name)).append("</td>");
    cells(html, s, hide);
    for (SurvivalAt at : s.landmarks()) {
      html.append("<td>")
          .append(
              hide.hides(s.n())
                  ? ""
                  : percent(at.surv())
                      + " ("
                      + percent(at.lower())
                      + "&#8211;"
                      + percent(at.upper())
                      + ")")
          .append("</td>");
    }
    html.append("</tr>\n");
  }

  /** n, events and the median with its CI of one curve; a group too small shows none of them. */
  private static void cells(StringBuilder html, SurvivalSummary s, CellSuppression hide) {
    boolean hidden = hide.hides(s.n());
    String median =
        hidden
            ? "suppressed"
            : s.medianDays().reached()
                ? SummaryText.fixed(s.medianMonths(), 1)
                    + " ("
                    + SummaryText.fixed(s.lowerMonths(), 1)
                    + "&#8211;"
                    + SummaryText.fixed(s.upperMonths(), 1)
                    + ")"
                : "not reached";
    html.append("<td>")
        .append(count(hide, s.n()))
        .append("</td><td>")
        .append(hidden ? "" : count(hide, s.events()))
        .append("</td><td>")
        .append(median)
        .append("</td>");
  }

  private static void factors(
      StringBuilder html, StudyResult result, Map<String, String> plots, CellSuppression hide) {
    html.append(
            "<section id=\"factors\"><h2>Overall survival by factor</h2>\n<table>\n<thead><tr><th>Factor</th>")
        .append(
            "<th>Level</th><th>n</th><th>Deaths</th><th>Median, months (95% CI)</th><th>Log-rank p</th></tr>")
        .append("</thead><tbody>\n");
    for (FactorResult factor : result.factors()) {
      StudyFactor study = StudyFactor.byCode(factor.factor()).orElse(null);
      String label = study == null ? factor.factor() : study.label();
      boolean first = true;
      for (FactorResult.Level level : factor.levels()) {
        html.append("<tr class=\"factor-")
            .append(esc(factor.factor()))
            .append("\"><td>")
            .append(first ? esc(label) : "")
            .append("</td><td>")
            .append(esc(study == null ? level.level() : study.displayLevel(level.level())))
            .append("</td>");
        cells(html, level.survival(), hide);
        html.append("<td>").append(first ? logRank(factor) : "").append("</td></tr>\n");
        first = false;
      }
    }
    html.append("</tbody></table>\n");
    for (FactorResult factor : result.factors()) {
      String svg = plots.get("km-os-" + factor.factor().replace('_', '-') + ".svg");
      StudyFactor study = StudyFactor.byCode(factor.factor()).orElse(null);
      figure(html, svg, "Overall survival by " + (study == null ? factor.factor() : study.label()));
    }
    html.append("</section>\n");
  }

  private static String logRank(FactorResult factor) {
    if (factor.logRank() == null) {
      return "not computable";
    }
    double p = factor.logRankP();
    return (p < 0.001 ? "&lt; 0.001" : String.format(Locale.ROOT, "%.3f", p))
        + (factor.factor().equals(StudyFactor.RECURRENCE_PATTERN.code())
            ? " (among those who recurred)"
            : "");
  }

  private static void cox(StringBuilder html, CoxResult cox, CellSuppression hide) {
    html.append("<section id=\"cox\"><h2>Multivariable Cox model of overall survival</h2>\n");
    if (cox == null || hide.hides(cox.n())) {
      html.append("<p>")
          .append(
              cox == null
                  ? "Not estimable (no patient with all four factors known, or no deaths"
                      + " among them)."
                  : "Suppressed: fewer than "
                      + hide.minCellSize()
                      + " patients with all four factors known.")
          .append("</p></section>\n");
      return;
    }
    List<ForestPlot.Row> rows = new ArrayList<>();
    html.append("<p>n = ")
        .append(count(hide, cox.n()))
        .append(", ")
        .append(count(hide, cox.fit().events()))
        .append(
            " deaths; Efron ties.</p>\n<table>\n<thead><tr><th>Factor</th><th>Compared</th><th>Reference</th>")
        .append("<th>Hazard ratio (95% CI)</th><th>p</th></tr></thead><tbody>\n");
    for (CoxResult.Term term : cox.terms()) {
      StudyFactor study = StudyFactor.byCode(term.factor()).orElse(null);
      String level = study == null ? term.level() : study.displayLevel(term.level());
      String reference = study == null ? term.reference() : study.displayLevel(term.reference());
      String label = study == null ? term.factor() : study.label();
      rows.add(
          new ForestPlot.Row(
              label, level + " vs " + reference, term.hr(), term.hrLower(), term.hrUpper()));
      html.append("<tr><td>")
          .append(esc(label))
          .append("</td><td>")
          .append(esc(level))
          .append("</td><td>")
          .append(esc(reference))
          .append("</td><td>")
          .append(ratio(term.hr()))
          .append(" (")
          .append(ratio(term.hrLower()))
          .append("&#8211;")
          .append(ratio(term.hrUpper()))
          .append(")</td><td>")
          .append(p(term.p()))
          .append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
    figure(
        html,
        new ForestPlot("Hazard ratios of death (95% CI)", rows).toSvg(),
        "Forest plot of the Cox model: a hazard ratio below 1 is the compared level living longer");
    if (cox.proportionalHazards() != null) {
      html.append(
              "<h3>Proportional-hazards check</h3>\n<p>R's cox.zph (transform km): a small p says a hazard ratio")
          .append(
              " changes over follow-up.</p>\n<table>\n<thead><tr><th>Term</th><th>Chi-square</th><th>df</th>")
          .append("<th>p</th><th></th></tr></thead><tbody>\n");
      for (ProportionalHazardsTest.Row row : cox.proportionalHazards().rows()) {
        boolean fails = row.fails();
        String term = StudyFactor.byCode(row.term()).map(StudyFactor::label).orElse(row.term());
        html.append("<tr")
            .append(fails ? " class=\"fails\"" : "")
            .append("><td>")
            .append(esc(term))
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.2f", row.chisq()))
            .append("</td><td>")
            .append(row.df())
            .append("</td><td>")
            .append(p(row.p()))
            .append("</td><td>")
            .append(fails ? "fails (p &lt; 0.05)" : "")
            .append("</td></tr>\n");
      }
      html.append("</tbody></table>\n");
    }
    html.append("</section>\n");
  }

  private static void dataQuality(StringBuilder html, Cohort cohort, CellSuppression hide) {
    html.append("<section id=\"data-quality\"><h2>Data quality</h2>\n");
    if (cohort.dataQuality().isEmpty()) {
      html.append("<p>No findings on the resources pulled.</p></section>\n");
      return;
    }
    html.append(
            "<table>\n<thead><tr><th>Profile</th><th>Where</th><th>Rule</th><th>Resources</th></tr></thead>")
        .append("<tbody>\n");
    for (Cohort.DataQualityNote note : cohort.dataQuality()) {
      html.append("<tr><td>")
          .append(esc(note.profileId()))
          .append("</td><td>")
          .append(esc(note.location()))
          .append("</td><td>")
          .append(esc(note.rule()))
          .append("</td><td>")
          .append(count(hide, note.count()))
          .append("</td></tr>\n");
    }
    html.append("</tbody></table></section>\n");
  }

  /**
   * What was done, in words, from the run: estimators, CI transform, ties, R-equivalence, versions.
   */
  private static void methods(StringBuilder html, StudyRun run) {
    html.append("<section id=\"methods\"><h2>Methods</h2>\n<p>")
        .append(
            "Patient records (Patient, Condition, Procedure and Observation, FHIR R4) were pulled from the EHR")
        .append(
            " and each mapped to one case record; a record that could not be mapped was excluded with its reason")
        .append(
            " (above). Time was counted from the hepatic resection to death (overall survival) or to recurrence or")
        .append(
            " death (recurrence-free survival), censored at the last contact before the data cut-off of ")
        .append(esc(run.result().dataCutoff().toString()))
        .append(". Survival was estimated by the Kaplan-Meier")
        .append(
            " method with Greenwood variances and 95% confidence intervals on the log scale; medians with the")
        .append(
            " Brookmeyer-Crowley interval. Groups were compared with the log-rank test. A Cox proportional")
        .append(
            " hazards model of overall survival (Efron ties) included the four factors of the multivariable")
        .append(
            " analysis, each as its favourable level against the other; proportional hazards were checked with")
        .append(
            " the score test of R's cox.zph (Kaplan-Meier time transform). The estimators reproduce R's survival")
        .append(
            " package (tested against R 4.2.2, survival 3.5-3, to 1e-9 relative on its reference data sets).")
        .append(" Software: llm-fhir-adapter ")
        .append(esc(run.lineage().adapterVersion()))
        .append(", HAPI FHIR ")
        .append(esc(ca.uhn.fhir.util.VersionUtil.getVersion()))
        .append(", Apache Commons Math, Java ")
        .append(esc(System.getProperty("java.specification.version")))
        .append(".");
    if (run.suppression().active()) {
      html.append(" Counts of fewer than ")
          .append(run.suppression().minCellSize())
          .append(" patients, and statistics of groups that small, are withheld (shown as &lt;")
          .append(run.suppression().minCellSize())
          .append(").");
    }
    html.append("</p></section>\n");
  }

  private static void figure(StringBuilder html, String svg, String caption) {
    if (svg == null) {
      return;
    }
    int start = svg.indexOf("<svg");
    html.append("<figure>")
        .append(svg.substring(start).strip())
        .append("\n<figcaption>")
        .append(esc(caption))
        .append("</figcaption></figure>\n");
  }

  /** A count of patients, marked up as one (withheld: "<k"). */
  private static String count(CellSuppression hide, int n) {
    return "<span class=\"count\">" + esc(hide.text(n)) + "</span>";
  }

  private static String percent(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.0f%%", 100 * value) : "NA";
  }

  private static String ratio(double value) {
    if (!Double.isFinite(value)) {
      return Double.isNaN(value) ? "NA" : "Inf";
    }
    return value >= 0.01 && value < 1000
        ? String.format(Locale.ROOT, "%.2f", value)
        : String.format(Locale.ROOT, "%.2e", value);
  }

  private static String p(double p) {
    return Double.isNaN(p)
        ? "NA"
        : p < 0.001 ? "&lt; 0.001" : String.format(Locale.ROOT, "%.3f", p);
  }

  private static String esc(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** How Table 1 names the variables (the abstract's words). */
  private static final Map<String, String> VARIABLES =
      Map.ofEntries(
          Map.entry("sex", "Sex"),
          Map.entry("age_years", "Age at resection (years)"),
          Map.entry("primary_r0", "R0 margin at the primary resection"),
          Map.entry("dx_to_llm_months", "Diagnosis to LLM (months)"),
          Map.entry("synchronous", "Synchronous (< 6 months)"),
          Map.entry(
              "primary_resection_to_llm_ge_12", "LLM \u2265 12 months after the primary resection"),
          Map.entry("largest_llm_cm", "Largest LLM (cm)"),
          Map.entry("largest_llm_lt_5cm", "Largest LLM < 5 cm"),
          Map.entry("llm_count", "Number of LLM"),
          Map.entry("multiple_llm", "Multiple LLM"),
          Map.entry("neoadjuvant_chemo", "Neoadjuvant chemotherapy"),
          Map.entry("chemo_response", "Response to chemotherapy"),
          Map.entry("major_hepatectomy", "Major hepatectomy"),
          Map.entry("rfa", "Radiofrequency ablation"),
          Map.entry("recurred", "Recurred"),
          Map.entry("recurrence_pattern", "Recurrence pattern"));

  private static final String STYLE =
      "@page{size:A4;margin:16mm}"
          + "body{font-family:Helvetica,Arial,sans-serif;max-width:820px;margin:0 auto;padding:16px;color:#111;"
          + "line-height:1.4}h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}"
          + "h3{font-size:15px}.meta{color:#444}table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}"
          + "th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}"
          + "th{background:#f3f3f3}tr.fails td{color:#a00}figure{margin:12px 0;break-inside:avoid}"
          + "figure svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#444}"
          + ".flow{display:flex;flex-direction:column;align-items:center}.box{border:1px solid #333;padding:6px 14px;"
          + "text-align:center;min-width:260px}.side{text-align:left}.side ul{margin:4px 0;padding-left:18px}"
          + ".arrow{font-size:20px}section{break-inside:auto}";
}
