package org.llmfhiradapter.analysis.csv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.CoxModel;
import org.llmfhiradapter.survival.FactorCoding;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.LogRankResult;
import org.llmfhiradapter.survival.LogRankTest;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.SurvivalData;
import org.llmfhiradapter.survival.SurvivalDataException;

/**
 * Everything {@code analyze} computes on one data set: Kaplan-Meier curves (per group), the
 * log-rank test (with a group) and the Cox model (with covariates), all on the same complete rows.
 *
 * @param source where the data came from, for the report
 * @param logRank null without a group
 * @param cox null without covariates
 * @param factors how the covariates of labels were coded
 * @param proportionalHazards R's cox.zph of the Cox model (a factor's terms together); null without
 *     a model or when its information is singular
 */
public record SurvivalAnalysis(
    String source,
    AnalysisSpec spec,
    SurvivalData data,
    Map<String, KaplanMeierFit> km,
    LogRankResult logRank,
    CoxFit cox,
    List<FactorCoding> factors,
    ProportionalHazardsTest.Result proportionalHazards) {

  public static SurvivalAnalysis run(
      String source, AnalysisSpec spec, SurvivalData data, List<FactorCoding> factors) {
    // With no events the curves are flat at 1 and the medians NA, as R's survfit says; a Cox model
    // has nothing to estimate.
    if (data.events() == 0 && !spec.covariates().isEmpty()) {
      throw new SurvivalDataException(
          "no events: column '"
              + spec.event()
              + "' has no "
              + (spec.eventValue() == null
                  ? "1"
                  : "value " + AnalysisText.number(spec.eventValue()))
              + " among the "
              + data.n()
              + " complete rows of "
              + source
              + ", so the Cox model of --covariates"
              + " cannot be fitted (drop --covariates for the Kaplan-Meier curves alone)");
    }
    Map<String, KaplanMeierFit> km = KaplanMeier.byGroup(data, spec.confType(), spec.confLevel());
    LogRankResult logRank = data.hasGroup() ? LogRankTest.test(data, spec.rho()) : null;
    CoxFit cox = spec.covariates().isEmpty() ? null : CoxModel.fit(data, spec.coxOptions());
    return new SurvivalAnalysis(
        source,
        spec,
        data,
        km,
        logRank,
        cox,
        List.copyOf(factors),
        cox == null ? null : proportionalHazards(data, cox, spec, factors));
  }

  /**
   * cox.zph with R's terms: a numeric covariate a term, a factor's columns one term of several df.
   */
  private static ProportionalHazardsTest.Result proportionalHazards(
      SurvivalData data, CoxFit cox, AnalysisSpec spec, List<FactorCoding> factors) {
    Map<String, int[]> terms = new LinkedHashMap<>();
    List<String> columns = data.covariateNames();
    for (String covariate : spec.covariates()) {
      FactorCoding factor =
          factors.stream().filter(f -> f.column().equals(covariate)).findFirst().orElse(null);
      List<String> names =
          factor == null
              ? List.of(covariate)
              : factor.contrasts().stream().map(factor::termName).toList();
      terms.put(covariate, names.stream().mapToInt(columns::indexOf).toArray());
    }
    try {
      return ProportionalHazardsTest.test(data, cox, terms);
    } catch (SurvivalDataException e) {
      return null;
    }
  }
}
