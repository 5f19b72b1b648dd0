package org.llmfhiradapter.survival;

/**
 * The curve read at a chosen time (a landmark), as R's {@code summary(fit, times = t, extend =
 * TRUE)}: the values of the last step at or before t; before the first step S = 1 with std.err 0
 * and limits 1.
 *
 * @param nRisk number still at risk at t (time ≥ t); 0 beyond the last time
 * @param stdErr standard error of −log S (the step table's scale)
 */
public record SurvivalAt(
    double time, double surv, double stdErr, double lower, double upper, int nRisk) {

  /** Standard error of S itself (what R's summary prints as std.err): stdErr·S; NaN where S = 0. */
  public double stdErrSurv() {
    return surv == 0 ? Double.NaN : stdErr * surv;
  }
}
