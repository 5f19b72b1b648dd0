package org.llmfhiradapter.survival;

/**
 * Settings of a Cox fit, with R's {@code coxph.control} defaults.
 *
 * @param iterMax most Newton-Raphson steps (R's {@code iter.max}, 20)
 * @param eps convergence: stop when |1 − L_old/L_new| ≤ eps (1e-9)
 * @param tolerChol pivot tolerance of the information matrix, relative to its largest diagonal
 *     element: below it a covariate is declared aliased (R's {@code toler.chol}, eps^0.75)
 * @param confLevel level of the hazard-ratio confidence intervals (0.95)
 */
public record CoxOptions(Ties ties, int iterMax, double eps, double tolerChol, double confLevel) {

  public static final CoxOptions DEFAULTS =
      new CoxOptions(Ties.EFRON, 20, 1e-9, Math.pow(Math.ulp(1.0), 0.75), 0.95);

  public CoxOptions {
    if (iterMax < 0) {
      throw new IllegalArgumentException("iterMax must be >= 0, is " + iterMax);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("eps must be > 0, is " + eps);
    }
    if (!(confLevel > 0 && confLevel < 1)) {
      throw new IllegalArgumentException(
          "confidence level must be between 0 and 1, is " + confLevel);
    }
  }

  public CoxOptions withTies(Ties value) {
    return new CoxOptions(value, iterMax, eps, tolerChol, confLevel);
  }

  public CoxOptions withIterMax(int value) {
    return new CoxOptions(ties, value, eps, tolerChol, confLevel);
  }

  /**
   * R's {@code toler.inf}: relative size of a further Newton step that flags a coefficient as
   * infinite.
   */
  double tolerInf() {
    return Math.sqrt(eps);
  }
}
