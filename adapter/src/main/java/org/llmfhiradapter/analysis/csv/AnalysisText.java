package org.llmfhiradapter.analysis.csv;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.llmfhiradapter.survival.ChiSquareTest;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.CoxTerm;
import org.llmfhiradapter.survival.FactorCoding;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.LogRankResult;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.RestrictedMean;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * {@code analyze --format text}: the tables a researcher reads, laid out like R's print methods for
 * survfit, survdiff and coxph, numbers to 4 significant digits (p-values to 3). The full step table
 * is in the JSON output.
 */
public final class AnalysisText {

  private AnalysisText() {}

  public static String render(SurvivalAnalysis analysis) {
    AnalysisSpec spec = analysis.spec();
    StringBuilder out = new StringBuilder();
    out.append("Survival analysis of ")
        .append(analysis.source())
        .append(": time '")
        .append(spec.time())
        .append("', event '")
        .append(spec.event())
        .append("' = ")
        .append(spec.eventValue() == null ? "1" : number(spec.eventValue()))
        .append('\n');
    out.append("n = ")
        .append(analysis.data().n())
        .append(", events = ")
        .append(analysis.data().events())
        .append(", rows dropped for a missing value: ")
        .append(analysis.data().dropped())
        .append("\n\n");
    km(out, analysis);
    if (analysis.logRank() != null) {
      logRank(out, analysis.logRank(), spec);
    }
    if (analysis.cox() != null) {
      cox(out, analysis.cox(), spec, analysis.factors(), analysis.proportionalHazards());
    }
    return out.toString();
  }

  private static void km(StringBuilder out, SurvivalAnalysis analysis) {
    AnalysisSpec spec = analysis.spec();
    String level = percent(spec.confLevel());
    out.append("Kaplan-Meier (")
        .append(level)
        .append(" CI, conf.type ")
        .append(spec.confType().rName())
        .append(")\n");
    Map<String, KaplanMeierFit> km = analysis.km();
    Table summary =
        new Table(
            "",
            "n",
            "events",
            "median",
            level + " LCL",
            level + " UCL",
            "rmean",
            "se(rmean)",
            "tau");
    km.forEach(
        (name, fit) -> {
          Quantile median = fit.median();
          RestrictedMean rmean = fit.restrictedMean();
          summary.row(
              label(spec, name),
              String.valueOf(fit.n()),
              String.valueOf(fit.events()),
              sig(median.estimate()),
              sig(median.lower()),
              sig(median.upper()),
              sig(rmean.estimate()),
              sig(rmean.se()),
              sig(rmean.tau()));
        });
    summary.appendTo(out);
    out.append("  rmean: restricted mean survival up to tau, each curve's last time\n\n");

    out.append("Quantiles (").append(level).append(" CI)\n");
    List<String> head = new ArrayList<>(List.of(""));
    AnalysisSpec.QUANTILES.forEach(p -> head.add(number(100 * p) + "%"));
    Table quantiles = new Table(head.toArray(String[]::new));
    km.forEach(
        (name, fit) -> {
          List<String> row = new ArrayList<>(List.of(label(spec, name)));
          for (double p : AnalysisSpec.QUANTILES) {
            Quantile q = fit.quantile(p);
            row.add(sig(q.estimate()) + " (" + sig(q.lower()) + ", " + sig(q.upper()) + ")");
          }
          quantiles.row(row.toArray(String[]::new));
        });
    quantiles.appendTo(out);
    out.append('\n');

    if (!spec.landmarks().isEmpty()) {
      out.append("Survival at landmarks: S (").append(level).append(" CI), n at risk\n");
      List<String> marks = new ArrayList<>(List.of(""));
      spec.landmarks().forEach(t -> marks.add("t = " + number(t)));
      Table landmarks = new Table(marks.toArray(String[]::new));
      km.forEach(
          (name, fit) -> {
            List<String> row = new ArrayList<>(List.of(label(spec, name)));
            for (double t : spec.landmarks()) {
              SurvivalAt at = fit.at(t);
              row.add(
                  sig(at.surv())
                      + " ("
                      + sig(at.lower())
                      + ", "
                      + sig(at.upper())
                      + ") "
                      + at.nRisk());
            }
            landmarks.row(row.toArray(String[]::new));
          });
      landmarks.appendTo(out);
      out.append('\n');
    }
  }

  private static void logRank(StringBuilder out, LogRankResult result, AnalysisSpec spec) {
    out.append(result.rho() == 0 ? "Log-rank test" : "G-rho test, rho = " + number(result.rho()))
        .append(spec.strata() == null ? "" : ", stratified by " + spec.strata())
        .append('\n');
    Table table = new Table("", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V");
    for (int g = 0; g < result.groups().size(); g++) {
      double o = result.observed().get(g);
      double e = result.expected().get(g);
      double v = result.variance().get(g).get(g);
      table.row(
          label(spec, result.groups().get(g)),
          String.valueOf(result.n().get(g)),
          sig(o),
          sig(e),
          sig((o - e) * (o - e) / e),
          sig((o - e) * (o - e) / v));
    }
    table.appendTo(out);
    out.append("\n Chisq = ")
        .append(sig(result.chisq()))
        .append(" on ")
        .append(result.df())
        .append(" degrees of freedom, ")
        .append(pEquals(result.p()))
        .append("\n\n");
  }

  private static void cox(
      StringBuilder out,
      CoxFit fit,
      AnalysisSpec spec,
      List<FactorCoding> factors,
      ProportionalHazardsTest.Result zph) {
    out.append("Cox proportional hazards (ties ")
        .append(fit.ties().rName())
        .append(')')
        .append(spec.strata() == null ? "" : ", stratified by " + spec.strata())
        .append(": n = ")
        .append(fit.n())
        .append(", events = ")
        .append(fit.events())
        .append('\n');
    for (FactorCoding factor : factors) {
      out.append(factor.column())
          .append(": labels coded as factor(), reference ")
          .append(factor.reference())
          .append(" (terms ")
          .append(String.join(", ", factor.contrasts().stream().map(factor::termName).toList()))
          .append(")\n");
    }
    String level = percent(spec.confLevel());
    Table coefficients =
        new Table(
            "",
            "coef",
            "exp(coef)",
            "se(coef)",
            "z",
            "Pr(>|z|)",
            "lower " + level,
            "upper " + level,
            "");
    for (CoxTerm t : fit.terms()) {
      coefficients.row(
          t.name(),
          sig(t.coef()),
          sig(t.hr()),
          sig(t.se()),
          sig(t.z()),
          pValue(t.p()),
          sig(t.hrLower()),
          sig(t.hrUpper()),
          t.possiblyInfinite() ? "possibly infinite" : t.aliased() ? "aliased" : "");
    }
    coefficients.appendTo(out);
    out.append('\n');
    out.append("Concordance = ")
        .append(sig(fit.concordance().estimate()))
        .append(" (se = ")
        .append(sig(fit.concordance().se()))
        .append(")\n");
    test(out, "Likelihood ratio test", fit.lrTest());
    test(out, "Wald test            ", fit.waldTest());
    test(out, "Score (logrank) test ", fit.scoreTest());
    out.append("Log-likelihood: null ")
        .append(sig(fit.loglikNull()))
        .append(", fitted ")
        .append(sig(fit.loglik()))
        .append("; Newton-Raphson iterations: ")
        .append(fit.iterations())
        .append(fit.converged() ? " (converged)" : " (did not converge)")
        .append('\n');
    for (String warning : fit.warnings()) {
      out.append("Warning: ").append(warning.strip()).append('\n');
    }
    out.append('\n');
    if (zph != null) {
      out.append(
          "Proportional hazards check (cox.zph, transform km): a small p says the hazard ratio changes over"
              + " time\n");
      Table table = new Table("", "chisq", "df", "p", "");
      for (ProportionalHazardsTest.Row row : zph.rows()) {
        table.row(
            row.term(),
            sig(row.chisq()),
            String.valueOf(row.df()),
            pValue(row.p()),
            row.fails() ? "fails (p < 0.05)" : "");
      }
      table.appendTo(out);
      out.append('\n');
    }
  }

  private static void test(StringBuilder out, String name, ChiSquareTest test) {
    out.append(name)
        .append(" = ")
        .append(sig(test.chisq()))
        .append(" on ")
        .append(test.df())
        .append(" df, ")
        .append(pEquals(test.p()))
        .append('\n');
  }

  private static String label(AnalysisSpec spec, String level) {
    return KaplanMeier.ALL.equals(level) && spec.group() == null
        ? "all"
        : spec.group() + "=" + level;
  }

  private static String percent(double level) {
    return number(100 * level) + "%";
  }

  /** A number as short as it is exact: 1 not 1.0, 0.25, 1e-09; NA / Inf for non-finite values. */
  public static String number(double x) {
    if (!Double.isFinite(x)) {
      return nonFinite(x);
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return String.valueOf((long) x);
    }
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  /**
   * Four significant digits, plain between 1e-4 and 1e15 (whole digits are never rounded away, as R
   * prints 221013 at digits = 4), scientific below.
   */
  static String sig(double x) {
    return sig(x, 4);
  }

  static String sig(double x, int digits) {
    if (!Double.isFinite(x)) {
      return nonFinite(x);
    }
    if (x == 0) {
      return "0";
    }
    double a = Math.abs(x);
    if (a >= Math.pow(10, digits) && a < 1e15) {
      return String.valueOf(Math.round(x));
    }
    if (a >= 1e-4 && a < 1e15) {
      return new BigDecimal(x).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }
    String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
    return s.replaceAll("\\.?0+e", "e");
  }

  /** "p = 0.0012", or "p < 2e-16" below machine precision (R's format.pval). */
  static String pEquals(double p) {
    String text = pValue(p);
    return text.startsWith("<") ? "p " + text.charAt(0) + " " + text.substring(1) : "p = " + text;
  }

  /** As R's format.pval: below machine precision, "<2e-16". */
  static String pValue(double p) {
    if (Double.isNaN(p)) {
      return "NA";
    }
    return p < 2.220446e-16 ? "<2e-16" : sig(p, 3);
  }

  private static String nonFinite(double x) {
    return Double.isNaN(x) ? "NA" : x > 0 ? "Inf" : "-Inf";
  }

  /** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
  private static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void appendTo(StringBuilder out) {
      int columns = rows.get(0).length;
      int[] width = new int[columns];
      for (String[] row : rows) {
        for (int c = 0; c < columns; c++) {
          width[c] = Math.max(width[c], row[c].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < columns; c++) {
          if (c == 0) {
            line.append(row[c]).append(" ".repeat(width[c] - row[c].length()));
          } else if (width[c] > 0) {
            line.append("  ").append(" ".repeat(width[c] - row[c].length())).append(row[c]);
          }
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
    }
  }
}
