package org.llmfhiradapter.cli;

import static org.llmfhiradapter.analysis.SurvivalJson.number;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.analysis.SurvivalJson;
import org.llmfhiradapter.survival.ChiSquareTest;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.CoxTerm;
import org.llmfhiradapter.survival.FactorCoding;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.KmStep;
import org.llmfhiradapter.survival.LogRankResult;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.RestrictedMean;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * {@code analyze --format json}: one object, snake_case keys, times in the unit of the input, non-finite
 * numbers as the strings "NA", "Inf", "-Inf" (as results.json). Keys: n, n_dropped, events, options, km,
 * logrank (with a group), cox (with covariates).
 */
final class AnalysisJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private AnalysisJson() {}

  static String render(SurvivalAnalysis analysis) {
    try {
      return JSON.writeValueAsString(toMap(analysis));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> toMap(SurvivalAnalysis analysis) {
    AnalysisSpec spec = analysis.spec();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("n", analysis.data().n());
    root.put("n_dropped", analysis.data().dropped());
    root.put("events", analysis.data().events());
    root.put("options", options(analysis));
    Map<String, Object> km = new LinkedHashMap<>();
    analysis.km().forEach((level, fit) -> km.put(level, curve(fit, spec)));
    root.put("km", km);
    if (analysis.logRank() != null) {
      root.put("logrank", logRank(analysis.logRank(), spec));
    }
    if (analysis.cox() != null) {
      Map<String, Object> cox = cox(analysis.cox());
      Map<String, Object> factors = new LinkedHashMap<>();
      for (FactorCoding factor : analysis.factors()) {
        factors.put(factor.column(), Map.of("reference", factor.reference(), "levels", factor.levels()));
      }
      cox.put("factors", factors);
      ProportionalHazardsTest.Result zph = analysis.proportionalHazards();
      if (zph != null) {
        cox.put("zph", Map.of("transform", "km", "table", SurvivalJson.proportionalHazards(zph)));
      }
      root.put("cox", cox);
    }
    return root;
  }

  private static Map<String, Object> options(SurvivalAnalysis analysis) {
    AnalysisSpec spec = analysis.spec();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("csv", analysis.source());
    o.put("time", spec.time());
    o.put("event", spec.event());
    o.put("event_value", spec.eventValue() == null ? 1.0 : spec.eventValue());
    o.put("group", spec.group());
    o.put("strata", spec.strata());
    o.put("covariates", spec.covariates());
    o.put("ties", spec.ties().rName());
    o.put("conf_type", spec.confType().rName());
    o.put("conf_level", spec.confLevel());
    o.put("rho", spec.rho());
    o.put("landmarks", spec.landmarks());
    return o;
  }

  private static Map<String, Object> curve(KaplanMeierFit fit, AnalysisSpec spec) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("n", fit.n());
    c.put("events", fit.events());
    List<Map<String, Object>> steps = new ArrayList<>(fit.steps().size());
    for (KmStep s : fit.steps()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("time", number(s.time()));
      row.put("n_risk", s.nRisk());
      row.put("n_event", s.nEvent());
      row.put("n_censor", s.nCensor());
      row.put("surv", number(s.surv()));
      row.put("std_err", number(s.stdErr()));
      row.put("lower", number(s.lower()));
      row.put("upper", number(s.upper()));
      steps.add(row);
    }
    c.put("steps", steps);
    c.put("median", quantile(fit.median()));
    Map<String, Object> quantiles = new LinkedHashMap<>();
    for (double p : AnalysisSpec.QUANTILES) {
      quantiles.put(AnalysisText.number(p), quantile(fit.quantile(p)));
    }
    c.put("quantiles", quantiles);
    RestrictedMean rmean = fit.restrictedMean();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rmean", number(rmean.estimate()));
    r.put("se", number(rmean.se()));
    r.put("tau", number(rmean.tau()));
    c.put("rmean", r);
    if (!spec.landmarks().isEmpty()) {
      List<Map<String, Object>> marks = new ArrayList<>();
      for (double t : spec.landmarks()) {
        SurvivalAt at = fit.at(t);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", number(t));
        m.put("n_risk", at.nRisk());
        m.put("surv", number(at.surv()));
        m.put("std_err", number(at.stdErr()));
        m.put("std_err_surv", number(at.stdErrSurv()));
        m.put("lower", number(at.lower()));
        m.put("upper", number(at.upper()));
        marks.add(m);
      }
      c.put("landmarks", marks);
    }
    return c;
  }

  private static Map<String, Object> quantile(Quantile q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("estimate", number(q.estimate()));
    m.put("lower", number(q.lower()));
    m.put("upper", number(q.upper()));
    return m;
  }

  private static Map<String, Object> logRank(LogRankResult result, AnalysisSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groups", result.groups());
    m.put("n", result.n());
    m.put("observed", result.observed().stream().map(v -> number(v)).toList());
    m.put("expected", result.expected().stream().map(v -> number(v)).toList());
    m.put("chisq", number(result.chisq()));
    m.put("df", result.df());
    m.put("p", number(result.p()));
    m.put("rho", result.rho());
    m.put("strata", spec.strata());
    return m;
  }

  private static Map<String, Object> cox(CoxFit fit) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> terms = new ArrayList<>();
    for (CoxTerm t : fit.terms()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", t.name());
      row.put("coef", number(t.coef()));
      row.put("hr", number(t.hr()));
      row.put("se", number(t.se()));
      row.put("z", number(t.z()));
      row.put("p", number(t.p()));
      row.put("hr_lower", number(t.hrLower()));
      row.put("hr_upper", number(t.hrUpper()));
      row.put("possibly_infinite", t.possiblyInfinite());
      terms.add(row);
    }
    m.put("terms", terms);
    m.put("loglik_null", number(fit.loglikNull()));
    m.put("loglik", number(fit.loglik()));
    m.put("lr_test", test(fit.lrTest()));
    m.put("wald_test", test(fit.waldTest()));
    m.put("score_test", test(fit.scoreTest()));
    m.put("iterations", fit.iterations());
    m.put("converged", fit.converged());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("estimate", number(fit.concordance().estimate()));
    c.put("se", number(fit.concordance().se()));
    m.put("concordance", c);
    m.put("warnings", fit.warnings());
    m.put("ties", fit.ties().rName());
    m.put("n", fit.n());
    m.put("events", fit.events());
    return m;
  }

  private static Map<String, Object> test(ChiSquareTest test) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chisq", number(test.chisq()));
    m.put("df", test.df());
    m.put("p", number(test.p()));
    return m;
  }
}
