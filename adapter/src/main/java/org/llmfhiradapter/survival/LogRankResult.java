package org.llmfhiradapter.survival;

import java.util.List;

/**
 * A G-rho test comparing survival between groups, as R's {@code survdiff}.
 *
 * @param groups group levels, in order
 * @param n rows per group
 * @param observed (weighted) events per group, summed over strata
 * @param expected (weighted) expected events per group, summed over strata
 * @param variance variance matrix of observed − expected, {@code variance.get(g).get(h)}
 * @param test chi-square on the groups with expected > 0 (df = their number − 1)
 * @param rho the weight exponent: 0 log-rank, 1 Peto-Peto
 */
public record LogRankResult(
    List<String> groups,
    List<Integer> n,
    List<Double> observed,
    List<Double> expected,
    List<List<Double>> variance,
    ChiSquareTest test,
    double rho) {

  public LogRankResult {
    groups = List.copyOf(groups);
    n = List.copyOf(n);
    observed = List.copyOf(observed);
    expected = List.copyOf(expected);
    variance = variance.stream().map(List::copyOf).toList();
  }

  public double chisq() {
    return test.chisq();
  }

  public int df() {
    return test.df();
  }

  public double p() {
    return test.p();
  }
}
