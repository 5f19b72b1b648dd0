package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tier 1: data small enough to compute by hand, fed unsorted. */
class KaplanMeierTest {

  // times 1..6 with censoring at 3 and 5; given shuffled.
  private static final double[] TIME = {5, 1, 6, 3, 2, 4};
  private static final boolean[] EVENT = {false, true, true, false, true, true};

  @Test
  void theProductLimitEstimateStepsAtEachDeath() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    assertThat(fit.steps()).extracting(KmStep::time).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(fit.steps()).extracting(KmStep::nRisk).containsExactly(6, 5, 4, 3, 2, 1);
    // S = 5/6, 4/6, 4/6, 4/6 * 2/3, same, 0
    assertThat(fit.steps().get(0).surv()).isCloseTo(5.0 / 6, within(1e-15));
    assertThat(fit.steps().get(3).surv()).isCloseTo(4.0 / 9, within(1e-15));
    assertThat(fit.steps().get(5).surv()).isZero();
  }

  @Test
  void greenwoodStdErrIsOfTheCumulativeHazard() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    // sum d/(n(n-d)) = 1/30 + 1/20 + 1/6 at t = 4
    assertThat(fit.steps().get(3).stdErr()).isCloseTo(Math.sqrt(1.0 / 30 + 1.0 / 20 + 1.0 / 6), within(1e-15));
    assertThat(fit.steps().get(5).stdErr()).isNaN();
  }

  @Test
  void theMedianIsTheFirstTimeSurvivalFallsToOneHalfOrBelow() {
    KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);

    assertThat(fit.median().estimate()).isEqualTo(4.0);
  }

  @Test
  void onAnExactHalfPlateauTheMedianIsItsMidpoint() {
    // S = 3/4, 1/2 (t=2), 1/2, 0 (t=8): R takes (2 + 8) / 2.
    KaplanMeierFit fit = KaplanMeier.fit(new double[] {8, 2, 1, 5}, new boolean[] {true, true, true, false});

    assertThat(fit.median().estimate()).isEqualTo(5.0);
  }

  @Test
  void withoutEventsTheCurveStaysAtOneAndTheMedianIsNotReached() {
    KaplanMeierFit fit = KaplanMeier.fit(new double[] {3, 1, 2}, new boolean[] {false, false, false});

    assertThat(fit.steps()).allSatisfy(step -> assertThat(step.surv()).isEqualTo(1.0));
    assertThat(fit.median().reached()).isFalse();
  }
}
