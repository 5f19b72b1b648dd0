package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** Tier 1: two groups of two, by hand. */
class LogRankTestTest {

  // Sorted: t1 a dies (2 a + 2 b at risk), t2 b dies (1 a + 2 b), t3 a dies (1 a + 1 b), t4 b
  // censored.
  private static final double[] TIME = {4, 3, 1, 2};
  private static final double[] STATUS = {0, 1, 1, 1};
  private static final String[] GROUP = {"b", "a", "a", "b"};

  @Test
  void logRankSumsObservedExpectedAndHypergeometricVarianceOverDeathTimes() {
    LogRankResult result = LogRankTest.test(data(TIME, STATUS, GROUP, null), 0);

    // E_a = 2/4 + 1/3 + 1/2; V = 1/4 + 2/9 + 1/4
    assertThat(result.observed()).containsExactly(2.0, 1.0);
    assertThat(result.expected().get(0)).isCloseTo(4.0 / 3, within(1e-15));
    assertThat(result.expected().get(1)).isCloseTo(5.0 / 3, within(1e-15));
    assertThat(result.variance().get(0).get(0)).isCloseTo(13.0 / 18, within(1e-15));
    assertThat(result.variance().get(0).get(1)).isCloseTo(-13.0 / 18, within(1e-15));
    assertThat(result.chisq()).isCloseTo(8.0 / 13, within(1e-14)); // (2/3)² / (13/18)
    assertThat(result.df()).isEqualTo(1);
    // one df: P(χ² > x) = P(|Z| > √x) = erfc(√(x/2))
    assertThat(result.p()).isCloseTo(Erf.erfc(Math.sqrt(4.0 / 13)), within(1e-15));
    assertThat(result.n()).containsExactly(2, 2);
  }

  @Test
  void petoPetoWeightsEachDeathTimeByThePooledSurvivalJustBefore() {
    LogRankResult result = LogRankTest.test(data(TIME, STATUS, GROUP, null), 1);

    // w = 1, 3/4, 1/2: O_a = 1.5, E_a = 1/2 + 1/4 + 1/4, V = 1/4 + 9/16·2/9 + 1/4·1/4 = 7/16
    assertThat(result.observed().get(0)).isEqualTo(1.5);
    assertThat(result.expected().get(0)).isCloseTo(1.0, within(1e-15));
    assertThat(result.chisq()).isCloseTo(4.0 / 7, within(1e-14));
  }

  @Test
  void strataAddTheirObservedExpectedAndVarianceSoTwoIdenticalStrataDoubleTheStatistic() {
    double[] time = new double[8];
    double[] status = new double[8];
    String[] group = new String[8];
    String[] strata = new String[8];
    for (int i = 0; i < 8; i++) {
      // the two strata overlap in time; pooled, they would give another answer
      time[i] = TIME[i % 4] + (i < 4 ? 0 : 0.5);
      status[i] = STATUS[i % 4];
      group[i] = GROUP[i % 4];
      strata[i] = i < 4 ? "x" : "y";
    }

    LogRankResult result = LogRankTest.test(data(time, status, group, strata), 0);

    assertThat(result.chisq()).isCloseTo(16.0 / 13, within(1e-14));
    assertThat(result.df()).isEqualTo(1);
  }

  @Test
  void tiedDeathsUseTheHypergeometricVariance() {
    // t1: both a-deaths with 2 a + 2 b at risk: E_a = 2·2/4, V = 2·2/3·1/4 = 1/3.
    LogRankResult result =
        LogRankTest.test(
            data(
                new double[] {1, 5, 1, 5},
                new double[] {1, 0, 1, 0},
                new String[] {"a", "b", "a", "b"},
                null),
            0);

    assertThat(result.expected().get(0)).isEqualTo(1.0);
    assertThat(result.chisq()).isCloseTo(3.0, within(1e-14)); // 1² / (1/3)
  }

  @Test
  void aGroupWithNothingExpectedIsLeftOutAndWithOneGroupLeftThereIsNoTest() {
    LogRankResult result =
        LogRankTest.test(
            data(
                new double[] {0.5, 1, 2},
                new double[] {0, 1, 1},
                new String[] {"c", "a", "a"},
                null),
            0);

    assertThat(result.expected()).containsExactly(2.0, 0.0);
    assertThat(result.test()).isEqualTo(new ChiSquareTest(0, 0, 1));
  }

  @Test
  void withoutAGroupThereIsNothingToCompare() {
    assertThatThrownBy(() -> LogRankTest.test(data(TIME, STATUS, null, null), 0))
        .isInstanceOf(SurvivalDataException.class)
        .hasMessageContaining("needs a group");
  }

  static SurvivalData data(double[] time, double[] status, String[] group, String[] strata) {
    SurvivalData.Builder b = SurvivalData.builder().time(time).status(status);
    if (group != null) {
      b.group(group);
    }
    if (strata != null) {
      b.strata(strata);
    }
    return b.build();
  }
}
