package org.llmfhiradapter.survival;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kaplan-Meier estimator of survival curves, as R's {@code survfit(Surv(time, status) ~ group)}.
 *
 * <p><b>Input:</b> follow-up times (finite, ≥ 0, any order, any unit) and event flags (true = event,
 * false = censored) of equal length, at least one row; optionally a group per row ({@link SurvivalData}).
 * Times equal within {@link TimeTies} are one time, decided on all rows before splitting by group, as R.
 * <b>Variant:</b> product-limit estimate S = Π(1 − d/n) over every distinct time, with the Greenwood
 * variance; {@code std.err} is the standard error of the cumulative hazard −log S, sqrt(Σ d/(n(n − d))),
 * as R stores it; pointwise CIs by {@link ConfType} at the given level. A death and a censoring at the same
 * time: the censored subject is at risk at that time (censoring happens just after the deaths).
 * <b>Degenerate input:</b> no events gives S = 1 with std.err 0 and quantiles not reached (NaN); a last
 * time where everyone left dies gives S = 0, std.err +Inf and NA (NaN) limits; a group level without rows
 * is left out. <b>Errors:</b> {@link SurvivalDataException} for mismatched lengths, no rows, negative or
 * non-finite times; {@link IllegalArgumentException} for a confidence level outside (0, 1).
 */
public final class KaplanMeier {

  /** The key of the one curve when there is no group. */
  public static final String ALL = "all";

  private KaplanMeier() {}

  /** Fits one curve with 95% log-scale confidence intervals, R's defaults. */
  public static KaplanMeierFit fit(double[] time, boolean[] event) {
    return fit(time, event, ConfType.LOG, 0.95);
  }

  /** Fits one curve. */
  public static KaplanMeierFit fit(double[] time, boolean[] event, ConfType confType, double confLevel) {
    if (time.length != event.length) {
      throw new SurvivalDataException("time and event differ in length: " + time.length + " vs " + event.length);
    }
    SurvivalData data = SurvivalData.builder().time(time).event(event).build();
    if (data.dropped() > 0) {
      throw new SurvivalDataException("time has " + data.dropped() + " missing (NaN) values");
    }
    return byGroup(data, confType, confLevel).get(ALL);
  }

  /**
   * One curve per group level (in level order), or one curve keyed {@link #ALL} when the data has no
   * group.
   */
  public static Map<String, KaplanMeierFit> byGroup(SurvivalData data, ConfType confType, double confLevel) {
    double z = Probabilities.zForLevel(confLevel);
    double[] rawTime = data.time();
    int[] order = SortOrder.ascending(rawTime);
    double[] time = TimeTies.merge(rawTime, order);
    boolean[] event = data.event();
    Map<String, KaplanMeierFit> fits = new LinkedHashMap<>();
    if (!data.hasGroup()) {
      fits.put(ALL, fitSorted(time, event, order, 0, order.length, confType, confLevel, z));
      return fits;
    }
    int levels = data.groupLevels().size();
    int[] group = data.group();
    int[] byGroup = SortOrder.byCode(order, group, levels);
    int start = 0;
    for (int g = 0; g < levels; g++) {
      int end = start;
      while (end < byGroup.length && group[byGroup[end]] == g) {
        end++;
      }
      if (end > start) {
        fits.put(data.groupLevels().get(g), fitSorted(time, event, byGroup, start, end, confType, confLevel, z));
      }
      start = end;
    }
    return fits;
  }

  /** The curve of rows {@code rows[from..to)}, which are in ascending time. */
  static KaplanMeierFit fitSorted(
      double[] time, boolean[] event, int[] rows, int from, int to, ConfType confType, double confLevel, double z) {
    int size = to - from;
    double[] t = new double[size];
    int[] nRisk = new int[size];
    int[] nEvent = new int[size];
    int[] nCensor = new int[size];
    double[] surv = new double[size];
    double[] stdErr = new double[size];
    double[] lower = new double[size];
    double[] upper = new double[size];
    int steps = 0;
    int atRisk = size;
    double km = 1;
    double greenwood = 0;
    int i = from;
    while (i < to) {
      double now = time[rows[i]];
      int deaths = 0;
      int censored = 0;
      while (i < to && time[rows[i]] == now) {
        if (event[rows[i]]) {
          deaths++;
        } else {
          censored++;
        }
        i++;
      }
      if (deaths > 0) {
        // R's survfitkm: km *= (n - d)/n; Greenwood sum d/(n(n - d)), +Inf once n = d.
        km *= (atRisk - (double) deaths) / atRisk;
        greenwood += deaths / ((double) atRisk * (atRisk - deaths));
      }
      double se = Math.sqrt(greenwood);
      t[steps] = now;
      nRisk[steps] = atRisk;
      nEvent[steps] = deaths;
      nCensor[steps] = censored;
      surv[steps] = km;
      stdErr[steps] = se;
      lower[steps] = ConfidenceLimits.lower(km, se, z, confType);
      upper[steps] = ConfidenceLimits.upper(km, se, z, confType);
      steps++;
      atRisk -= deaths + censored;
    }
    return new KaplanMeierFit(
        Arrays.copyOf(t, steps),
        Arrays.copyOf(nRisk, steps),
        Arrays.copyOf(nEvent, steps),
        Arrays.copyOf(nCensor, steps),
        Arrays.copyOf(surv, steps),
        Arrays.copyOf(stdErr, steps),
        Arrays.copyOf(lower, steps),
        Arrays.copyOf(upper, steps),
        confType,
        confLevel);
  }
}
