package org.llmfhiradapter.survival;

/** Pointwise confidence limits of S from its value and the std.err of −log S, by R's rules. */
final class ConfidenceLimits {

  private ConfidenceLimits() {}

  /** {lower, upper}; NaN where R reports NA. */
  static double[] of(double surv, double se, double z, ConfType type) {
    if (se == 0.0 && surv == 1.0) {
      // Before the first event the curve is known exactly.
      return new double[] {1.0, 1.0};
    }
    if (Double.isNaN(se) || surv == 0.0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return switch (type) {
      case LOG -> new double[] {Math.exp(Math.log(surv) - z * se), Math.min(1.0, Math.exp(Math.log(surv) + z * se))};
      case LOG_LOG -> {
        if (surv == 1.0) {
          yield new double[] {Double.NaN, Double.NaN};
        }
        double logLog = Math.log(-Math.log(surv));
        double width = z * se / Math.log(surv);
        yield new double[] {Math.exp(-Math.exp(logLog - width)), Math.exp(-Math.exp(logLog + width))};
      }
      case PLAIN -> new double[] {Math.max(0.0, surv - z * se * surv), Math.min(1.0, surv + z * se * surv)};
    };
  }
}
