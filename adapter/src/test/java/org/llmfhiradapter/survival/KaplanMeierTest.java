package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tier 1: data small enough to compute by hand, fed unsorted. */
class KaplanMeierTest {

  // Sorted: 1 death, 2 death, 3 censored, 4 death, 5 censored, 6 death; given shuffled.
  private static final double[] TIME = {5, 1, 6, 3, 2, 4};
  private static final boolean[] EVENT = {false, true, true, false, true, true};
  private static final double Z = 1.959963984540054;

  @Test
  void theProductLimitEstimateStepsAtEachDeathAndKeepsCensoredTimesAsRows() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    assertThat(fit.steps()).extracting(KmStep::time).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(fit.steps()).extracting(KmStep::nRisk).containsExactly(6, 5, 4, 3, 2, 1);
    assertThat(fit.steps()).extracting(KmStep::nEvent).containsExactly(1, 1, 0, 1, 0, 1);
    assertThat(fit.steps()).extracting(KmStep::nCensor).containsExactly(0, 0, 1, 0, 1, 0);
    // S = 5/6, 4/6, 4/6, 4/6 * 2/3, same, 0
    assertThat(fit.steps().stream().mapToDouble(KmStep::surv).toArray())
        .containsExactly(
            new double[] {5.0 / 6, 4.0 / 6, 4.0 / 6, 4.0 / 9, 4.0 / 9, 0.0}, within(1e-15));
    assertThat(fit.n()).isEqualTo(6);
    assertThat(fit.events()).isEqualTo(4);
  }

  @Test
  void greenwoodStdErrIsOfTheCumulativeHazardAndInfiniteOnceSurvivalIsZero() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    // sum d/(n(n-d)) = 1/30 + 1/20 + 1/6 at t = 4
    assertThat(fit.steps().get(3).stdErr())
        .isCloseTo(Math.sqrt(1.0 / 30 + 1.0 / 20 + 1.0 / 6), within(1e-15));
    assertThat(fit.steps().get(5).stdErr()).isInfinite();
  }

  @Test
  void logLimitsAreExpOfLogSPlusMinusZTimesTheStdErrWithTheUpperCappedAtOne() {
    KmStep first = KaplanMeier.fit(TIME, EVENT).steps().get(0);

    double se = Math.sqrt(1.0 / 30);
    assertThat(first.lower()).isCloseTo(Math.exp(Math.log(5.0 / 6) - Z * se), within(1e-14));
    assertThat(first.upper()).isEqualTo(1.0); // exp(log(5/6) + 1.96·0.18) > 1
  }

  @Test
  void whereSurvivalIsZeroEveryKindOfLimitIsMissing() {
    for (ConfType type : ConfType.values()) {
      KmStep last = KaplanMeier.fit(TIME, EVENT, type, 0.95).steps().get(5);
      assertThat(last.lower()).as(type.rName()).isNaN();
      assertThat(last.upper()).as(type.rName()).isNaN();
    }
  }

  @Test
  void theMedianIsTheFirstTimeSurvivalFallsToOneHalfOrBelow() {
    assertThat(KaplanMeier.fit(TIME, EVENT).median().estimate()).isEqualTo(4.0);
  }

  @Test
  void onAnExactHalfPlateauTheMedianIsTheMidpointToTheNextDrop() {
    // S = 3/4, 1/2 (t=2), 1/2 (censored at 5), 0 (t=8): R takes (2 + 8) / 2.
    KaplanMeierFit fit =
        KaplanMeier.fit(new double[] {8, 2, 1, 5}, new boolean[] {true, true, true, false});

    assertThat(fit.median().estimate()).isEqualTo(5.0);
    assertThat(fit.summaryTableMedian().estimate()).isEqualTo(5.0);
  }

  @Test
  void aHalfPlateauRunningToTheEndTakesTheMidpointWithTheLastTimeWhilePrintTakesItsStart() {
    // S = 3/4, 1/2 from t = 2, then only censorings at 3 and 4.
    KaplanMeierFit fit =
        KaplanMeier.fit(new double[] {4, 1, 3, 2}, new boolean[] {false, true, false, true});

    assertThat(fit.median().estimate()).isEqualTo(3.0);
    assertThat(fit.summaryTableMedian().estimate()).isEqualTo(2.0);
  }

  @Test
  void withoutEventsTheCurveStaysAtOneAndNothingIsReached() {
    KaplanMeierFit fit =
        KaplanMeier.fit(
            new double[] {3, 1, 2}, new boolean[] {false, false, false}, ConfType.LOG_LOG, 0.95);

    assertThat(fit.steps())
        .allSatisfy(
            step -> {
              assertThat(step.surv()).isEqualTo(1.0);
              assertThat(step.stdErr()).isZero();
              assertThat(step.lower()).isNaN(); // log(-log 1) does not exist
            });
    assertThat(fit.median().reached()).isFalse();
    assertThat(fit.restrictedMean().estimate()).isEqualTo(3.0);
    assertThat(fit.restrictedMean().se()).isZero();
  }

  @Test
  void theRestrictedMeanIsTheAreaUnderTheStepsUpToTheLastTime() {
    RestrictedMean rmean = KaplanMeier.fit(TIME, EVENT).restrictedMean();

    // 1·1 + 1·5/6 + 2·4/6 + 2·4/9
    assertThat(rmean.estimate()).isCloseTo(73.0 / 18, within(1e-14));
    assertThat(rmean.tau()).isEqualTo(6.0);
  }

  @Test
  void aRestrictedMeanBeyondTheCurveCarriesItsLastValueOn() {
    KaplanMeierFit fit = KaplanMeier.fit(new double[] {2, 1}, new boolean[] {false, true});

    // S = 1/2 from t = 1; area to 10 = 1 + 9/2
    assertThat(fit.restrictedMean(10).estimate()).isCloseTo(5.5, within(1e-15));
  }

  @Test
  void landmarksReadTheLastStepAtOrBeforeAndCountWhoIsStillAtRisk() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    SurvivalAt before = fit.at(0.5);
    assertThat(List.of(before.surv(), before.stdErr(), before.lower(), before.upper()))
        .containsExactly(1.0, 0.0, 1.0, 1.0);
    assertThat(before.nRisk()).isEqualTo(6);
    assertThat(fit.at(3.5).surv()).isCloseTo(4.0 / 6, within(1e-15));
    assertThat(fit.at(3.5).nRisk()).isEqualTo(3);
    assertThat(fit.at(4).nRisk()).isEqualTo(3);
    assertThat(fit.at(10).surv()).isZero();
    assertThat(fit.at(10).nRisk()).isZero();
  }

  @Test
  void timesEqualUpToRoundingAreOneTime() {
    KaplanMeierFit fit =
        KaplanMeier.fit(new double[] {5 + 1e-10, 7, 5}, new boolean[] {true, false, true});

    assertThat(fit.steps()).extracting(KmStep::time).containsExactly(5.0, 7.0);
    assertThat(fit.steps().get(0).nEvent()).isEqualTo(2);
  }

  @Test
  void groupsAreFittedSeparatelyInNumericLevelOrderAndIncompleteRowsAreDroppedAndCounted() {
    SurvivalData data =
        SurvivalData.builder()
            .time(new double[] {3, 1, Double.NaN, 2, 4})
            .status(new double[] {1, 1, 1, 0, 1})
            .group(new String[] {"10", "2", "2", "10", null})
            .build();

    Map<String, KaplanMeierFit> fits = KaplanMeier.byGroup(data, ConfType.LOG, 0.95);

    assertThat(data.dropped()).isEqualTo(2);
    assertThat(fits.keySet()).containsExactly("2", "10");
    assertThat(fits.get("2").steps()).extracting(KmStep::time).containsExactly(1.0);
    assertThat(fits.get("10").steps()).extracting(KmStep::time).containsExactly(2.0, 3.0);
  }

  @Test
  void negativeTimesAndOtherEventCodesAreRefusedWithTheRow() {
    assertThatThrownBy(() -> KaplanMeier.fit(new double[] {1, -2}, new boolean[] {true, true}))
        .isInstanceOf(SurvivalDataException.class)
        .hasMessageContaining("row 1 has -2.0");
    assertThatThrownBy(
            () -> SurvivalData.builder().time(new double[] {1}).status(new double[] {2}).build())
        .hasMessageContaining("status must be 1 (event) or 0 (censored); row 0 has 2.0");
  }
}
