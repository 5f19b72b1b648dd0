package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * The G-rho family of tests for k groups (Harrington and Fleming), as R's {@code survdiff}: rho = 0
 * is the log-rank test, rho = 1 the Peto-Peto modification of the Gehan-Wilcoxon test.
 *
 * <p><b>Input:</b> {@link SurvivalData} with a group (k ≥ 1 levels) and optional strata. Times
 * equal within {@link TimeTies} are one time. <b>Variant:</b> within each stratum, at each distinct
 * death time t, with weight w = S(t−)^rho (S the pooled Kaplan-Meier curve of the stratum): O_g +=
 * w·d_g, E_g += w·d·n_g/n, V_gh += w²·d(n − d)/(n − 1)·(n_g/n)(δ_gh − n_h/n) (hypergeometric
 * variance; nothing when n = 1); O, E and V are summed over strata. Groups with E = 0 are left out;
 * chisq = (O − E)ᵀV⁻¹(O − E) on the rest with the first of them dropped; df = (number of groups
 * with E > 0) − 1. <b>Degenerate input:</b> fewer than two groups with E > 0 (one group, no events)
 * gives chisq 0, df 0, p 1, as R. <b>Errors:</b> {@link SurvivalDataException} without a group, or
 * when the variance of the compared groups is singular (which needs every death in the compared
 * groups to have a single group at risk).
 */
public final class LogRankTest {

  private LogRankTest() {}

  public static LogRankResult test(SurvivalData data, double rho) {
    if (!data.hasGroup()) {
      throw new SurvivalDataException("a log-rank test needs a group column");
    }
    if (!(rho >= 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("rho must be finite and >= 0, is " + rho);
    }
    int k = data.groupLevels().size();
    int strata = data.hasStrata() ? data.strataLevels().size() : 1;
    SortedRows rows = SortedRows.of(data.time(), data.event(), data.stratum(), strata);
    int[] group = rows.gather(data.group());

    int[] n = new int[k];
    for (int g : group) {
      n[g]++;
    }
    double[] observed = new double[k];
    double[] expected = new double[k];
    double[][] variance = new double[k][k];
    int[] atRisk = new int[k];
    int[] deaths = new int[k];
    int start = 0;
    int[] stratum = rows.code();
    while (start < rows.size()) {
      int end = start;
      while (end < rows.size() && stratum[end] == stratum[start]) {
        end++;
      }
      accumulateStratum(
          rows.time(),
          rows.event(),
          group,
          start,
          end,
          rho,
          atRisk,
          deaths,
          observed,
          expected,
          variance);
      start = end;
    }

    List<Integer> compared = new ArrayList<>();
    for (int g = 0; g < k; g++) {
      if (expected[g] > 0) {
        compared.add(g);
      }
    }
    ChiSquareTest test =
        compared.size() < 2
            ? new ChiSquareTest(0, 0, 1)
            : ChiSquareTest.of(chisq(observed, expected, variance, compared), compared.size() - 1);
    return new LogRankResult(
        data.groupLevels(),
        Arrays.stream(n).boxed().toList(),
        Arrays.stream(observed).boxed().toList(),
        Arrays.stream(expected).boxed().toList(),
        Arrays.stream(variance).map(row -> Arrays.stream(row).boxed().toList()).toList(),
        test,
        rho);
  }

  /** Adds one stratum (sorted positions {@code [from, to)}, ascending time) to O, E and V. */
  private static void accumulateStratum(
      double[] time,
      boolean[] event,
      int[] group,
      int from,
      int to,
      double rho,
      int[] atRisk,
      int[] deaths,
      double[] observed,
      double[] expected,
      double[][] variance) {
    int k = atRisk.length;
    Arrays.fill(atRisk, 0);
    for (int i = from; i < to; i++) {
      atRisk[group[i]]++;
    }
    int total = to - from;
    double km = 1; // pooled S(t-) of the stratum, for the rho weight
    int i = from;
    while (i < to) {
      double now = time[i];
      int end = i;
      int d = 0;
      while (end < to && time[end] == now) {
        if (event[end]) {
          deaths[group[end]]++;
          d++;
        }
        end++;
      }
      if (d > 0) {
        double w = rho == 0 ? 1 : Math.pow(km, rho);
        double nr = total;
        double share = w * d / nr;
        for (int g = 0; g < k; g++) {
          observed[g] += w * deaths[g];
          expected[g] += share * atRisk[g];
          deaths[g] = 0;
        }
        if (total > 1) {
          double scale = w * w * d * (nr - d) / (nr * (nr - 1));
          for (int g = 0; g < k; g++) {
            if (atRisk[g] == 0) {
              continue;
            }
            double sg = scale * atRisk[g];
            variance[g][g] += sg;
            double sgOverN = sg / nr;
            for (int h = 0; h < k; h++) {
              variance[g][h] -= sgOverN * atRisk[h];
            }
          }
        }
        km *= (nr - d) / nr;
      }
      for (int j = i; j < end; j++) {
        atRisk[group[j]]--;
      }
      total -= end - i;
      i = end;
    }
  }

  private static double chisq(
      double[] observed, double[] expected, double[][] variance, List<Integer> compared) {
    int m = compared.size() - 1;
    Array2DRowRealMatrix v = new Array2DRowRealMatrix(m, m);
    RealVector diff = new ArrayRealVector(m);
    for (int a = 0; a < m; a++) {
      int g = compared.get(a + 1);
      diff.setEntry(a, observed[g] - expected[g]);
      for (int b = 0; b < m; b++) {
        v.setEntry(a, b, variance[g][compared.get(b + 1)]);
      }
    }
    LUDecomposition lu = new LUDecomposition(v, 0);
    if (lu.getDeterminant() == 0) {
      throw new SurvivalDataException(
          "the log-rank variance matrix is singular: no group comparison is possible");
    }
    RealVector solved = lu.getSolver().solve(diff);
    return solved.dotProduct(diff);
  }
}
