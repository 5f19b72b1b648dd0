package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConcordanceTest {

  @Test
  void higherRiskDyingFirstIsConcordant() {
    Concordance c =
        Concordance.of(
            new double[] {3, 1, 4, 2},
            new boolean[] {true, true, true, true},
            null,
            new double[] {2, 4, 1, 3});

    assertThat(c.concordant()).isEqualTo(6);
    assertThat(c.estimate()).isEqualTo(1.0);
  }

  @Test
  void tiesInRiskCountHalfAndTiedDeathsAreNotComparable() {
    // Rows: (t=1, death, lp 1), (t=1, death, lp 1), (t=1, censored, lp 2), (t=2, death, lp 0).
    // Comparable: each t=1 death with the t=1 censored (lp 1 < 2: discordant) and with t=2 (1 > 0:
    // concordant). The two t=1 deaths: tied_xy.
    Concordance c =
        Concordance.of(
            new double[] {1, 1, 1, 2},
            new boolean[] {true, true, false, true},
            null,
            new double[] {1, 1, 2, 0});

    assertThat(c.concordant()).isEqualTo(2);
    assertThat(c.discordant()).isEqualTo(2);
    assertThat(c.tiedX()).isZero();
    assertThat(c.tiedXY()).isEqualTo(1);
    assertThat(c.tiedY()).isZero();
    assertThat(c.estimate()).isEqualTo(0.5);
  }

  @Test
  void pairsAcrossStrataAreNotCompared() {
    Concordance c =
        Concordance.of(
            new double[] {1, 2, 1, 2},
            new boolean[] {true, true, true, true},
            new int[] {0, 0, 1, 1},
            new double[] {2, 1, 1, 2});

    assertThat(c.concordant()).isEqualTo(1);
    assertThat(c.discordant()).isEqualTo(1);
  }

  @Test
  void agreesWithTheAllPairsDefinitionOnRandomDataWithTies() {
    Random random = new Random(7);
    int n = 300;
    double[] time = new double[n];
    boolean[] event = new boolean[n];
    int[] stratum = new int[n];
    double[] lp = new double[n];
    for (int i = 0; i < n; i++) {
      time[i] = random.nextInt(40);
      event[i] = random.nextDouble() < 0.6;
      stratum[i] = random.nextInt(3);
      lp[i] = random.nextInt(15) / 4.0;
    }

    Concordance fast = Concordance.of(time, event, stratum, lp);
    long[] counts = new long[5];
    double[][] perRow = new double[n][3];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (a == b || stratum[a] != stratum[b] || !event[a]) {
          continue;
        }
        if (time[a] < time[b] || (time[a] == time[b] && !event[b])) {
          int k = lp[a] > lp[b] ? 0 : lp[a] < lp[b] ? 1 : 2;
          counts[k]++;
          perRow[a][k]++;
          perRow[b][k]++;
        } else if (time[a] == time[b] && a < b) {
          counts[lp[a] == lp[b] ? 4 : 3]++;
        }
      }
    }
    double pairs = counts[0] + counts[1] + counts[2];
    double somer = (counts[0] - counts[1]) / pairs;
    double sum = 0;
    for (double[] row : perRow) {
      double term = (row[0] - row[1]) - somer * (row[0] + row[1] + row[2]);
      sum += term * term;
    }

    assertThat(
            new long[] {
              fast.concordant(), fast.discordant(), fast.tiedX(), fast.tiedY(), fast.tiedXY()
            })
        .containsExactly(counts);
    assertThat(fast.estimate()).isCloseTo((counts[0] + counts[2] / 2.0) / pairs, within(1e-15));
    assertThat(fast.se()).isCloseTo(Math.sqrt(sum) / (2 * pairs), within(1e-15));
  }

  @Test
  void twoIdenticalStrataDoubleEveryCountAndShrinkTheStandardErrorByRootTwo() {
    // 2 × 12,500 rows: large enough that the two passes run on two threads; one copy runs on one.
    Random random = new Random(5);
    int n = 12_500;
    double[] time = new double[2 * n];
    boolean[] event = new boolean[2 * n];
    int[] stratum = new int[2 * n];
    double[] lp = new double[2 * n];
    for (int i = 0; i < n; i++) {
      time[i] = time[i + n] = random.nextInt(500);
      event[i] = event[i + n] = random.nextDouble() < 0.7;
      lp[i] = lp[i + n] = random.nextGaussian();
      stratum[i + n] = 1;
    }

    Concordance one =
        Concordance.of(Arrays.copyOf(time, n), Arrays.copyOf(event, n), null, Arrays.copyOf(lp, n));
    Concordance two = Concordance.of(time, event, stratum, lp);

    assertThat(two.concordant()).isEqualTo(2 * one.concordant());
    assertThat(two.discordant()).isEqualTo(2 * one.discordant());
    assertThat(two.tiedY()).isEqualTo(2 * one.tiedY());
    assertThat(two.estimate()).isEqualTo(one.estimate());
    assertThat(two.se()).isCloseTo(one.se() / Math.sqrt(2), within(1e-15));
  }
}
