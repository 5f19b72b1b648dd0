package org.llmfhiradapter.survival;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * The few distribution functions the estimators need, computed so that small tail probabilities
 * keep their relative precision (1 − cdf would lose it below about 1e-8, and R reports such
 * p-values in full).
 */
final class Probabilities {

  private static final NormalDistribution NORMAL = new NormalDistribution();

  private Probabilities() {}

  /** Standard normal quantile, R's {@code qnorm(p)}. */
  static double normalQuantile(double p) {
    return NORMAL.inverseCumulativeProbability(p);
  }

  /** z for a two-sided interval of the given level: qnorm(1 − (1 − level)/2). */
  static double zForLevel(double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be between 0 and 1, is " + level);
    }
    return normalQuantile(1 - (1 - level) / 2);
  }

  /** Two-sided normal p-value 2·P(Z > |z|), as R's {@code 2 * pnorm(-abs(z))}. */
  static double normalTwoSided(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return Erf.erfc(Math.abs(z) / Math.sqrt(2));
  }

  /**
   * Upper tail of the chi-square distribution, R's {@code pchisq(x, df, lower.tail = FALSE)}: the
   * regularized upper incomplete gamma Q(df/2, x/2). As R, 1 for x ≤ 0 (whatever df).
   */
  static double chiSquareUpper(double x, int df) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x <= 0) {
      return 1;
    }
    if (df <= 0) {
      return 0;
    }
    if (Double.isInfinite(x)) {
      return 0;
    }
    return Gamma.regularizedGammaQ(df / 2.0, x / 2.0, 1e-15, 100_000);
  }
}
