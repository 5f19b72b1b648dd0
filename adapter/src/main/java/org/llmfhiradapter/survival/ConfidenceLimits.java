package org.llmfhiradapter.survival;

/**
 * Pointwise confidence limits of S from its value and the std.err of −log S, by R's rules ({@code
 * survfit_confint}): log: exp(log S ∓ z·se), upper capped at 1; log-log: exp(−exp(log(−log S) ∓
 * z·se/log S)); plain: S ∓ z·se·S clipped to [0, 1]. NA (NaN) where S = 0, and for log-log also
 * where S = 1, whose log(−log S) does not exist.
 */
final class ConfidenceLimits {

  private ConfidenceLimits() {}

  /**
   * Writes the limits of S at position i of {@code lower} and {@code upper} (one log per step, not
   * two).
   */
  static void fill(
      double surv, double se, double z, ConfType type, double[] lower, double[] upper, int i) {
    if (surv == 0 || (type == ConfType.LOG_LOG && surv == 1)) {
      lower[i] = Double.NaN;
      upper[i] = Double.NaN;
      return;
    }
    switch (type) {
      case LOG -> {
        double logS = Math.log(surv);
        lower[i] = Math.exp(logS - z * se);
        upper[i] = Math.min(Math.exp(logS + z * se), 1);
      }
      case LOG_LOG -> {
        double logS = Math.log(surv);
        double logLog = Math.log(-logS);
        double width = z * se / logS;
        lower[i] = Math.exp(-Math.exp(logLog - width));
        upper[i] = Math.exp(-Math.exp(logLog + width));
      }
      case PLAIN -> {
        lower[i] = Math.max(surv - z * se * surv, 0);
        upper[i] = Math.min(surv + z * se * surv, 1);
      }
    }
  }
}
