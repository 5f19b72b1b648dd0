package org.llmfhiradapter.survival;

import java.util.List;

/**
 * A fitted Kaplan-Meier curve: the step table and what is read off it.
 *
 * @param steps one row per distinct time, in increasing time
 */
public record KaplanMeierFit(List<KmStep> steps, ConfType confType, double confLevel) {

  /** R's tolerance for "S equals p exactly" when reading quantiles: sqrt(double epsilon). */
  private static final double TOLERANCE = Math.sqrt(Math.ulp(1.0));

  public KaplanMeierFit {
    steps = List.copyOf(steps);
  }

  public int n() {
    return steps.get(0).nRisk();
  }

  public int events() {
    return steps.stream().mapToInt(KmStep::nEvent).sum();
  }

  /** The median survival time with its confidence limits, by R's conventions. */
  public Quantile median() {
    return quantile(0.5);
  }

  /**
   * The p-th quantile of the survival time: the smallest time at which S falls to 1 − p or below; when S
   * equals 1 − p exactly on a plateau, the midpoint of that plateau (R's rule). The limits are read the same
   * way off the lower confidence curve (the earlier, lower limit) and the upper one.
   */
  public Quantile quantile(double p) {
    double target = 1.0 - p;
    double[] times = new double[steps.size()];
    double[] surv = new double[steps.size()];
    double[] lower = new double[steps.size()];
    double[] upper = new double[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      KmStep s = steps.get(i);
      times[i] = s.time();
      surv[i] = s.surv();
      lower[i] = s.lower();
      upper[i] = s.upper();
    }
    return new Quantile(
        crossing(times, surv, target), crossing(times, lower, target), crossing(times, upper, target));
  }

  /**
   * First time a step curve reaches {@code target} or below; NaN when it never does. On an exact plateau at
   * the target the answer is the midpoint between the plateau's start and the next time the curve drops.
   */
  static double crossing(double[] times, double[] curve, double target) {
    for (int i = 0; i < curve.length; i++) {
      if (Double.isNaN(curve[i])) {
        continue;
      }
      if (Math.abs(curve[i] - target) < TOLERANCE) {
        for (int j = i + 1; j < curve.length; j++) {
          if (!Double.isNaN(curve[j]) && curve[j] < curve[i] - TOLERANCE) {
            return (times[i] + times[j]) / 2.0;
          }
        }
        return times[i];
      }
      if (curve[i] < target) {
        return times[i];
      }
    }
    return Double.NaN;
  }
}
