package org.llmfhiradapter.survival;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kaplan-Meier estimator of survival curves, as R's {@code survfit(Surv(time, status) ~ group)}.
 *
 * <p><b>Input:</b> follow-up times (finite, ≥ 0, any order, any unit) and event flags (true =
 * event, false = censored) of equal length, at least one row; optionally a group per row ({@link
 * SurvivalData}). Times equal within {@link TimeTies} are one time, decided on all rows before
 * splitting by group, as R. <b>Variant:</b> product-limit estimate S = Π(1 − d/n) over every
 * distinct time, with the Greenwood variance; {@code std.err} is the standard error of the
 * cumulative hazard −log S, sqrt(Σ d/(n(n − d))), as R stores it; pointwise CIs by {@link ConfType}
 * at the given level. A death and a censoring at the same time: the censored subject is at risk at
 * that time (censoring happens just after the deaths). <b>Degenerate input:</b> no events gives S =
 * 1 with std.err 0 and quantiles not reached (NaN); a last time where everyone left dies gives S =
 * 0, std.err +Inf and NA (NaN) limits; a group level without rows is left out. <b>Errors:</b>
 * {@link SurvivalDataException} for mismatched lengths, no rows, negative or non-finite times;
 * {@link IllegalArgumentException} for a confidence level outside (0, 1).
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
  public static KaplanMeierFit fit(
      double[] time, boolean[] event, ConfType confType, double confLevel) {
    if (time.length != event.length) {
      throw new SurvivalDataException(
          "time and event differ in length: " + time.length + " vs " + event.length);
    }
    SurvivalData data = SurvivalData.builder().time(time).event(event).build();
    if (data.dropped() > 0) {
      throw new SurvivalDataException("time has " + data.dropped() + " missing (NaN) values");
    }
    return byGroup(data, confType, confLevel).get(ALL);
  }

  /**
   * One curve per group level (in level order), or one curve keyed {@link #ALL} when the data has
   * no group.
   */
  public static Map<String, KaplanMeierFit> byGroup(
      SurvivalData data, ConfType confType, double confLevel) {
    double z = Probabilities.zForLevel(confLevel);
    int levels = data.hasGroup() ? data.groupLevels().size() : 1;
    // Near-ties are decided on all rows, before the split by group, as R does.
    SortedRows rows = SortedRows.of(data.time(), data.event(), data.group(), levels);
    Map<String, KaplanMeierFit> fits = new LinkedHashMap<>();
    int start = 0;
    int n = rows.size();
    while (start < n) {
      int end = start;
      int g = rows.code()[start];
      while (end < n && rows.code()[end] == g) {
        end++;
      }
      String key = data.hasGroup() ? data.groupLevels().get(g) : ALL;
      fits.put(key, fitSorted(rows.time(), rows.event(), start, end, confType, confLevel, z));
      start = end;
    }
    return fits;
  }

  /** The curve of sorted positions {@code [from, to)}, which are in ascending time. */
  static KaplanMeierFit fitSorted(
      double[] time,
      boolean[] event,
      int from,
      int to,
      ConfType confType,
      double confLevel,
      double z) {
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
      double now = time[i];
      int deaths = 0;
      int first = i;
      while (i < to && time[i] == now) {
        if (event[i]) {
          deaths++;
        }
        i++;
      }
      int censored = i - first - deaths;
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
      ConfidenceLimits.fill(km, se, z, confType, lower, upper, steps);
      steps++;
      atRisk -= deaths + censored;
    }
    if (steps < size) {
      // Rows sharing a time made fewer steps than rows; with distinct times the arrays are already
      // exact.
      t = Arrays.copyOf(t, steps);
      nRisk = Arrays.copyOf(nRisk, steps);
      nEvent = Arrays.copyOf(nEvent, steps);
      nCensor = Arrays.copyOf(nCensor, steps);
      surv = Arrays.copyOf(surv, steps);
      stdErr = Arrays.copyOf(stdErr, steps);
      lower = Arrays.copyOf(lower, steps);
      upper = Arrays.copyOf(upper, steps);
    }
    return new KaplanMeierFit(
        t, nRisk, nEvent, nCensor, surv, stdErr, lower, upper, confType, confLevel);
  }
}
