package org.llmfhiradapter.analysis;

import java.util.List;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.ProportionalHazardsTest;

/**
 * The multivariable Cox model of overall survival on the abstract's four factors.
 *
 * @param terms one per factor, each the hazard ratio of {@code level} against {@code reference}
 * @param fit the whole fit (tests, convergence, warnings)
 * @param n patients with all four factors known
 * @param proportionalHazards R's cox.zph of the model (transform km), per factor and global; null
 *     when its information is singular
 */
public record CoxResult(
    List<Term> terms, CoxFit fit, int n, ProportionalHazardsTest.Result proportionalHazards) {

  /**
   * @param factor the factor's code
   * @param level the level whose hazard is compared (the favourable one, as in the abstract)
   * @param reference the level it is compared with
   */
  public record Term(
      String factor,
      String level,
      String reference,
      double hr,
      double hrLower,
      double hrUpper,
      double p,
      boolean possiblyInfinite) {}

  public CoxResult {
    terms = List.copyOf(terms);
  }
}
