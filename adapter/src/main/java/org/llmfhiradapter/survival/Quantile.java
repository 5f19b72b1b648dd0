package org.llmfhiradapter.survival;

/**
 * A survival-time quantile with its confidence limits. NaN means not reached (R's NA): the median
 * of a curve that never falls to 0.5, or an upper limit when the upper CI curve stays above 0.5.
 */
public record Quantile(double estimate, double lower, double upper) {
  public boolean reached() {
    return !Double.isNaN(estimate);
  }
}
