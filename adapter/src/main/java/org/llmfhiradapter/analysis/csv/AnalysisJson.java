package org.llmfhiradapter.analysis.csv;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.analysis.SurvivalJson;
import org.llmfhiradapter.survival.ChiSquareTest;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.FactorCoding;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.KmStep;
import org.llmfhiradapter.survival.LogRankResult;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.RestrictedMean;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * {@code analyze --format json}: one object, snake_case keys, times in the unit of the input,
 * non-finite numbers as the strings "NA", "Inf", "-Inf" (as results.json). Keys: n, n_dropped,
 * events, options, km, logrank (with a group), cox (with covariates).
 */
public final class AnalysisJson {

  private AnalysisJson() {}

  // --- the document
  // ------------------------------------------------------------------------------------------------

  record Analysis(
      int n,
      int nDropped,
      int events,
      Options options,
      Map<String, Curve> km,
      @JsonInclude(NON_NULL) LogRank logrank,
      @JsonInclude(NON_NULL) Cox cox) {}

  record Options(
      String csv,
      String time,
      String event,
      double eventValue,
      String group,
      String strata,
      List<String> covariates,
      String ties,
      String confType,
      double confLevel,
      double rho,
      List<Double> landmarks) {}

  record Curve(
      int n,
      int events,
      List<KmStep> steps,
      Estimate median,
      Map<String, Estimate> quantiles,
      RestrictedMeanTime rmean,
      @JsonInclude(NON_NULL) List<Landmark> landmarks) {}

  record Estimate(double estimate, double lower, double upper) {}

  record RestrictedMeanTime(double rmean, double se, double tau) {}

  record Landmark(
      double time,
      int nRisk,
      double surv,
      double stdErr,
      double stdErrSurv,
      double lower,
      double upper) {}

  record LogRank(
      List<String> groups,
      List<Integer> n,
      List<Double> observed,
      List<Double> expected,
      double chisq,
      int df,
      double p,
      double rho,
      String strata) {}

  record Cox(
      List<Term> terms,
      double loglikNull,
      double loglik,
      Test lrTest,
      Test waldTest,
      Test scoreTest,
      int iterations,
      boolean converged,
      Concordance concordance,
      List<String> warnings,
      String ties,
      int n,
      int events,
      Map<String, Factor> factors,
      @JsonInclude(NON_NULL) Zph zph) {}

  record Term(
      String name,
      double coef,
      double hr,
      double se,
      double z,
      double p,
      double hrLower,
      double hrUpper,
      boolean possiblyInfinite) {}

  record Test(double chisq, int df, double p) {}

  record Concordance(double estimate, double se) {}

  record Factor(String reference, List<String> levels) {}

  record Zph(String transform, List<SurvivalJson.ZphRow> table) {}

  // --- from an analysis
  // ---------------------------------------------------------------------------------------------

  public static String render(SurvivalAnalysis analysis) {
    return SurvivalJson.write(of(analysis));
  }

  static Analysis of(SurvivalAnalysis analysis) {
    AnalysisSpec spec = analysis.spec();
    Map<String, Curve> km = new LinkedHashMap<>();
    analysis.km().forEach((level, fit) -> km.put(level, curve(fit, spec)));
    LogRankResult logRank = analysis.logRank();
    return new Analysis(
        analysis.data().n(),
        analysis.data().dropped(),
        analysis.data().events(),
        new Options(
            analysis.source(),
            spec.time(),
            spec.event(),
            spec.eventValue() == null ? 1.0 : spec.eventValue(),
            spec.group(),
            spec.strata(),
            spec.covariates(),
            spec.ties().rName(),
            spec.confType().rName(),
            spec.confLevel(),
            spec.rho(),
            spec.landmarks()),
        km,
        logRank == null
            ? null
            : new LogRank(
                logRank.groups(),
                logRank.n(),
                logRank.observed(),
                logRank.expected(),
                logRank.chisq(),
                logRank.df(),
                logRank.p(),
                logRank.rho(),
                spec.strata()),
        analysis.cox() == null ? null : cox(analysis));
  }

  private static Curve curve(KaplanMeierFit fit, AnalysisSpec spec) {
    List<KmStep> steps = fit.steps();
    Map<String, Estimate> quantiles = new LinkedHashMap<>();
    for (double p : AnalysisSpec.QUANTILES) {
      quantiles.put(AnalysisText.number(p), estimate(fit.quantile(p)));
    }
    RestrictedMean rmean = fit.restrictedMean();
    List<Landmark> landmarks = null;
    if (!spec.landmarks().isEmpty()) {
      landmarks = new ArrayList<>();
      for (double t : spec.landmarks()) {
        SurvivalAt at = fit.at(t);
        landmarks.add(
            new Landmark(
                t, at.nRisk(), at.surv(), at.stdErr(), at.stdErrSurv(), at.lower(), at.upper()));
      }
    }
    return new Curve(
        fit.n(),
        fit.events(),
        steps,
        estimate(fit.median()),
        quantiles,
        new RestrictedMeanTime(rmean.estimate(), rmean.se(), rmean.tau()),
        landmarks);
  }

  private static Estimate estimate(Quantile q) {
    return new Estimate(q.estimate(), q.lower(), q.upper());
  }

  private static Cox cox(SurvivalAnalysis analysis) {
    CoxFit fit = analysis.cox();
    List<Term> terms =
        fit.terms().stream()
            .map(
                t ->
                    new Term(
                        t.name(),
                        t.coef(),
                        t.hr(),
                        t.se(),
                        t.z(),
                        t.p(),
                        t.hrLower(),
                        t.hrUpper(),
                        t.possiblyInfinite()))
            .toList();
    Map<String, Factor> factors = new LinkedHashMap<>();
    for (FactorCoding factor : analysis.factors()) {
      factors.put(factor.column(), new Factor(factor.reference(), factor.levels()));
    }
    ProportionalHazardsTest.Result zph = analysis.proportionalHazards();
    return new Cox(
        terms,
        fit.loglikNull(),
        fit.loglik(),
        test(fit.lrTest()),
        test(fit.waldTest()),
        test(fit.scoreTest()),
        fit.iterations(),
        fit.converged(),
        new Concordance(fit.concordance().estimate(), fit.concordance().se()),
        fit.warnings(),
        fit.ties().rName(),
        fit.n(),
        fit.events(),
        factors,
        zph == null ? null : new Zph("km", SurvivalJson.proportionalHazards(zph)));
  }

  private static Test test(ChiSquareTest test) {
    return new Test(test.chisq(), test.df(), test.p());
  }
}
