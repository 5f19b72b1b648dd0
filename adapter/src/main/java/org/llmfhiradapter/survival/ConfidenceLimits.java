package org.llmfhiradapter.survival;

/**
 * Pointwise confidence limits of S from its value and the std.err of −log S, by R's rules
 * ({@code survfit_confint}): log: exp(log S ∓ z·se), upper capped at 1; log-log: exp(−exp(log(−log S) ∓
 * z·se/log S)); plain: S ∓ z·se·S clipped to [0, 1]. NA (NaN) where S = 0, and for log-log also where
 * S = 1, whose log(−log S) does not exist.
 */
final class ConfidenceLimits {

  private ConfidenceLimits() {}

  static double lower(double surv, double se, double z, ConfType type) {
    return switch (type) {
      case LOG -> surv == 0 ? Double.NaN : Math.exp(Math.log(surv) - z * se);
      case LOG_LOG -> surv == 0 || surv == 1
          ? Double.NaN
          : Math.exp(-Math.exp(Math.log(-Math.log(surv)) - z * se / Math.log(surv)));
      // At S = 0, se = Inf and Inf·0 = NaN, which Math.max keeps: R's NaN.
      case PLAIN -> Math.max(surv - z * se * surv, 0);
    };
  }

  static double upper(double surv, double se, double z, ConfType type) {
    return switch (type) {
      case LOG -> surv == 0 ? Double.NaN : Math.min(Math.exp(Math.log(surv) + z * se), 1);
      case LOG_LOG -> surv == 0 || surv == 1
          ? Double.NaN
          : Math.exp(-Math.exp(Math.log(-Math.log(surv)) + z * se / Math.log(surv)));
      case PLAIN -> Math.min(surv + z * se * surv, 1);
    };
  }
}
