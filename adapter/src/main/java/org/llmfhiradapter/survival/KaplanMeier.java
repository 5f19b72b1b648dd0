package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Kaplan-Meier estimator of a survival curve, as R's {@code survfit(Surv(time, status) ~ 1)}.
 *
 * <p><b>Input:</b> follow-up times (finite, ≥ 0, in any order) and event flags (true = event, false =
 * censored), of equal length, at least one row. <b>Variant:</b> product-limit estimate; Greenwood variance;
 * {@code std.err} is the standard error of the cumulative hazard −log S, as R stores it; pointwise CIs by
 * {@link ConfType}. A death and a censoring at the same time: the censored subject counts as at risk at that
 * time (censoring happens just after the deaths), as in R. <b>Degenerate input:</b> no events gives a flat
 * curve at 1 with a median not reached; a last time where everyone left dies gives S = 0 and an undefined
 * (NaN) std.err from there on. <b>Errors:</b> {@link IllegalArgumentException} for mismatched lengths, empty
 * input, or negative or non-finite times.
 */
public final class KaplanMeier {

  private KaplanMeier() {}

  /** Fits the curve with 95% log-scale confidence intervals, R's defaults. */
  public static KaplanMeierFit fit(double[] time, boolean[] event) {
    return fit(time, event, ConfType.LOG, 0.95);
  }

  public static KaplanMeierFit fit(double[] time, boolean[] event, ConfType confType, double confLevel) {
    if (time.length != event.length) {
      throw new IllegalArgumentException("time and event differ in length: " + time.length + " vs " + event.length);
    }
    if (time.length == 0) {
      throw new IllegalArgumentException("no observations");
    }
    if (!(confLevel > 0 && confLevel < 1)) {
      throw new IllegalArgumentException("confidence level must be between 0 and 1, is " + confLevel);
    }
    Integer[] order = new Integer[time.length];
    for (int i = 0; i < time.length; i++) {
      if (!Double.isFinite(time[i]) || time[i] < 0) {
        throw new IllegalArgumentException("time must be finite and >= 0, row " + i + " is " + time[i]);
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> time[i]));

    double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confLevel) / 2);
    List<KmStep> steps = new ArrayList<>();
    int atRisk = time.length;
    double surv = 1.0;
    double greenwood = 0.0;
    int i = 0;
    while (i < order.length) {
      double t = time[order[i]];
      int deaths = 0;
      int censored = 0;
      while (i < order.length && time[order[i]] == t) {
        if (event[order[i]]) {
          deaths++;
        } else {
          censored++;
        }
        i++;
      }
      if (deaths > 0) {
        surv *= 1.0 - (double) deaths / atRisk;
        greenwood = atRisk == deaths ? Double.NaN : greenwood + (double) deaths / ((double) atRisk * (atRisk - deaths));
      }
      double se = Math.sqrt(greenwood);
      double[] ci = ConfidenceLimits.of(surv, se, z, confType);
      steps.add(new KmStep(t, atRisk, deaths, censored, surv, se, ci[0], ci[1]));
      atRisk -= deaths + censored;
    }
    return new KaplanMeierFit(steps, confType, confLevel);
  }
}
