package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/** Tier 2: identities between the estimators, on simulated data without tied death times. */
class SurvivalIdentitiesTest {

  private static final int N = 400;

  /** Continuous times (no ties), three groups, two strata, a fifth censored. */
  private static SurvivalData simulated(boolean dummies) {
    Random random = new Random(11);
    double[] time = new double[N];
    double[] status = new double[N];
    String[] group = new String[N];
    String[] strata = new String[N];
    double[] isB = new double[N];
    double[] isC = new double[N];
    for (int i = 0; i < N; i++) {
      int g = random.nextInt(3);
      double hazard = new double[] {1, 1.4, 0.8}[g];
      time[i] = -Math.log(random.nextDouble()) / hazard;
      status[i] = random.nextDouble() < 0.8 ? 1 : 0;
      group[i] = "abc".substring(g, g + 1);
      strata[i] = random.nextBoolean() ? "s1" : "s2";
      isB[i] = g == 1 ? 1 : 0;
      isC[i] = g == 2 ? 1 : 0;
    }
    SurvivalData.Builder builder = SurvivalData.builder().time(time).status(status).strata(strata);
    if (dummies) {
      builder.covariate("b", isB).covariate("c", isC);
    } else {
      builder.group(group);
    }
    return builder.build();
  }

  @Test
  void theStratifiedLogRankStatisticIsTheCoxScoreTestAtIterationZeroForGroupDummies() {
    LogRankResult logRank = LogRankTest.test(simulated(false), 0);

    for (Ties ties : Ties.values()) {
      CoxFit cox = CoxModel.fit(simulated(true), CoxOptions.DEFAULTS.withTies(ties).withIterMax(0));
      assertThat(cox.scoreTest().chisq())
          .as(ties.rName())
          .isCloseTo(logRank.chisq(), Percentage.withPercentage(1e-10));
      assertThat(cox.scoreTest().df()).isEqualTo(logRank.df()).isEqualTo(2);
    }
  }

  @Test
  void theScoreTestDoesNotDependOnHowFarNewtonGoes() {
    CoxFit zero = CoxModel.fit(simulated(true), CoxOptions.DEFAULTS.withIterMax(0));
    CoxFit full = CoxModel.fit(simulated(true), CoxOptions.DEFAULTS);

    assertThat(full.scoreTest()).isEqualTo(zero.scoreTest());
    assertThat(full.loglikNull()).isEqualTo(zero.loglik());
  }

  @Test
  void withoutTiedDeathsEfronAndBreslowAreTheSameModel() {
    CoxFit efron = CoxModel.fit(simulated(true), CoxOptions.DEFAULTS);
    CoxFit breslow = CoxModel.fit(simulated(true), CoxOptions.DEFAULTS.withTies(Ties.BRESLOW));

    assertThat(breslow.loglik()).isEqualTo(efron.loglik());
    for (int j = 0; j < 2; j++) {
      assertThat(breslow.terms().get(j).coef()).isEqualTo(efron.terms().get(j).coef());
    }
  }

  @Test
  void kaplanMeierIsTheBaselineSurvivalOfACoxModelWithoutCovariatesInEachStratum() {
    SurvivalData byStratum = simulated(false);
    SurvivalData nullModel =
        SurvivalData.builder()
            .time(byStratum.time())
            .event(byStratum.event())
            .strata(byStratum.stratum() == null ? null : labels(byStratum))
            .build();
    SurvivalData asGroups =
        SurvivalData.builder()
            .time(byStratum.time())
            .event(byStratum.event())
            .group(labels(byStratum))
            .build();

    CoxFit fit = CoxModel.fit(nullModel, CoxOptions.DEFAULTS);
    Map<String, StepCurve> baseline = CoxModel.baselineSurvival(nullModel, fit);
    Map<String, KaplanMeierFit> km = KaplanMeier.byGroup(asGroups, ConfType.LOG, 0.95);

    assertThat(baseline.keySet()).containsExactlyElementsOf(km.keySet());
    baseline.forEach(
        (stratum, curve) -> {
          double[] kmAtEvents =
              km.get(stratum).steps().stream()
                  .filter(s -> s.nEvent() > 0)
                  .mapToDouble(KmStep::surv)
                  .toArray();
          double[] kmTimes =
              km.get(stratum).steps().stream()
                  .filter(s -> s.nEvent() > 0)
                  .mapToDouble(KmStep::time)
                  .toArray();
          assertThat(curve.time()).containsExactly(kmTimes);
          assertThat(curve.value()).containsExactly(kmAtEvents, within(1e-13));
        });
  }

  @Test
  void theBaselineSurvivalAtTheFittedCoefficientsFallsAsTheKaplanMeierCurveDoes() {
    SurvivalData data = simulated(true);
    CoxFit fit = CoxModel.fit(data, CoxOptions.DEFAULTS);

    for (StepCurve curve : CoxModel.baselineSurvival(data, fit).values()) {
      for (int i = 1; i < curve.size(); i++) {
        assertThat(curve.value()[i]).isLessThan(curve.value()[i - 1]).isGreaterThanOrEqualTo(0);
      }
    }
  }

  @Test
  void oneCovariateWaldStatisticIsZSquared() {
    SurvivalData data =
        SurvivalData.builder()
            .time(simulated(true).time())
            .event(simulated(true).event())
            .covariate("b", simulated(true).covariates()[0])
            .build();

    CoxFit fit = CoxModel.fit(data, CoxOptions.DEFAULTS);

    double z = fit.terms().get(0).z();
    assertThat(fit.waldTest().chisq()).isCloseTo(z * z, Percentage.withPercentage(1e-12));
    assertThat(fit.waldTest().p())
        .isCloseTo(fit.terms().get(0).p(), Percentage.withPercentage(1e-10));
  }

  private static String[] labels(SurvivalData data) {
    String[] out = new String[data.n()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.strataLevels().get(data.stratum()[i]);
    }
    return out;
  }
}
