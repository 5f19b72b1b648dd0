package org.llmfhiradapter.survival;

import java.util.AbstractList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fitted Kaplan-Meier curve: the step table (one row per distinct time, increasing) and what is
 * read off it — quantiles and the median, the restricted mean, survival at landmarks — each by R's
 * conventions. Columns are kept as arrays (a million-row curve is a million steps); {@link
 * #steps()} is a view.
 */
public final class KaplanMeierFit {

  /** R's tolerance for "S equals p exactly" when reading quantiles: sqrt(double epsilon). */
  private static final double TOLERANCE = TimeTies.TOLERANCE;

  private final double[] time;
  private final int[] nRisk;
  private final int[] nEvent;
  private final int[] nCensor;
  private final double[] surv;
  private final double[] stdErr;
  private final double[] lower;
  private final double[] upper;
  private final ConfType confType;
  private final double confLevel;

  KaplanMeierFit(
      double[] time,
      int[] nRisk,
      int[] nEvent,
      int[] nCensor,
      double[] surv,
      double[] stdErr,
      double[] lower,
      double[] upper,
      ConfType confType,
      double confLevel) {
    this.time = time;
    this.nRisk = nRisk;
    this.nEvent = nEvent;
    this.nCensor = nCensor;
    this.surv = surv;
    this.stdErr = stdErr;
    this.lower = lower;
    this.upper = upper;
    this.confType = confType;
    this.confLevel = confLevel;
  }

  /** The step table, one row per distinct time (event or censoring), in increasing time. */
  public List<KmStep> steps() {
    return new AbstractList<>() {
      @Override
      public KmStep get(int i) {
        return new KmStep(
            time[i], nRisk[i], nEvent[i], nCensor[i], surv[i], stdErr[i], lower[i], upper[i]);
      }

      @Override
      public int size() {
        return time.length;
      }
    };
  }

  public ConfType confType() {
    return confType;
  }

  public double confLevel() {
    return confLevel;
  }

  /** Number of subjects. */
  public int n() {
    return nRisk[0];
  }

  public int events() {
    int sum = 0;
    for (int d : nEvent) {
      sum += d;
    }
    return sum;
  }

  /** The median survival time with its confidence limits, by R's {@code quantile.survfit}. */
  public Quantile median() {
    return quantile(0.5);
  }

  /**
   * The p-th quantile of survival time, with limits read the same way off the lower and upper
   * confidence curves, by R's {@code quantile.survfit}: the first time the curve falls to 1 − p or
   * below; when it sits exactly on 1 − p (within sqrt(eps)), the midpoint between the time it got
   * there and the next time it drops (censor-only rows never count), or the curve's last time if it
   * never drops again.
   */
  public Quantile quantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("quantile probability must be between 0 and 1, is " + p);
    }
    return new Quantile(
        findQuantile(time, surv, p), findQuantile(time, lower, p), findQuantile(time, upper, p));
  }

  /**
   * The median as R's {@code print(fit)} / {@code summary(fit)$table} reports it, which differs
   * from {@link #median()} only when S stays at exactly 0.5 to the end of the curve (then this
   * gives the time S reached 0.5, quantile() the midpoint with the last time).
   */
  public Quantile summaryTableMedian() {
    return new Quantile(firstHalf(surv), firstHalf(lower), firstHalf(upper));
  }

  /** Restricted mean up to the curve's own last time (R's {@code rmean = "individual"}). */
  public RestrictedMean restrictedMean() {
    return restrictedMean(time[time.length - 1]);
  }

  /**
   * Restricted mean up to {@code tau}: the area under the step curve (1 before the first time, the
   * last value carried on past the last time), with R's standard error sqrt(Σ A_i² d_i/(n_i(n_i −
   * d_i))) over the event times t_i ≤ τ, A_i the area from t_i to τ (a term is 0 where n_i = d_i).
   */
  public RestrictedMean restrictedMean(double tau) {
    if (!(tau >= 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("rmean limit must be finite and >= 0, is " + tau);
    }
    int kept = 0;
    while (kept < time.length && time[kept] <= tau) {
      kept++;
    }
    // area[j] is the area over the j-th interval of (0, t_1, ..., t_kept, tau).
    double[] area = new double[kept + 1];
    double previousTime = 0;
    double previousSurv = 1;
    double total = 0;
    for (int j = 0; j < kept; j++) {
      area[j] = (time[j] - previousTime) * previousSurv;
      total += area[j];
      previousTime = time[j];
      previousSurv = surv[j];
    }
    area[kept] = (tau - previousTime) * previousSurv;
    total += area[kept];
    double variance = 0;
    double fromHere = 0;
    for (int j = kept - 1; j >= 0; j--) {
      fromHere += area[j + 1]; // area from t_j to tau
      if (nEvent[j] > 0 && nRisk[j] > nEvent[j]) {
        variance += fromHere * fromHere * nEvent[j] / ((double) nRisk[j] * (nRisk[j] - nEvent[j]));
      }
    }
    return new RestrictedMean(total, Math.sqrt(variance), tau);
  }

  /** The curve at {@code t}, as R's {@code summary(fit, times = t, extend = TRUE)}. */
  public SurvivalAt at(double t) {
    int last = lastAtOrBefore(t);
    int atRisk = last + 1 < time.length ? nRisk[last + 1] : 0;
    if (last >= 0 && time[last] == t) {
      atRisk = nRisk[last];
    }
    if (last < 0) {
      return new SurvivalAt(t, 1, 0, 1, 1, nRisk[0]);
    }
    return new SurvivalAt(t, surv[last], stdErr[last], lower[last], upper[last], atRisk);
  }

  private int lastAtOrBefore(double t) {
    int lo = 0;
    int hi = time.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (time[mid] <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * R's {@code findq} on x = (0, times), y = (0, 1 − curve): drop entries whose y repeats an
   * earlier one (NA included); i1 = the entry with the smallest y with y + tol ≥ p, i2 = smallest y
   * with y − tol ≥ p (R finds them with {@code approx(method = "constant", f = 1)}, which sorts by
   * y); the answer is the midpoint of their times, or, when the last remaining y equals p within
   * tol, the midpoint of x[i1] and the curve's last time. NaN when the curve never reaches p.
   */
  static double findQuantile(double[] times, double[] curve, double p) {
    int m = times.length + 1;
    double max = Double.NEGATIVE_INFINITY;
    for (double c : curve) {
      if (!Double.isNaN(c)) {
        max = Math.max(max, 1 - c);
      }
    }
    if (Math.max(max, 0) < p) {
      return Double.NaN;
    }
    int i1 = -1;
    int i2 = -1;
    for (int i = 0; i < m; i++) {
      double y = y(curve, i);
      if (Double.isNaN(y)) {
        continue;
      }
      // The first index reaching a value is the one duplicated() keeps, hence strict '<' below.
      if (y + TOLERANCE >= p && (i1 < 0 || y < y(curve, i1))) {
        i1 = i;
      }
      if (y - TOLERANCE >= p && (i2 < 0 || y < y(curve, i2))) {
        i2 = i;
      }
    }
    double q = i1 < 0 || i2 < 0 ? Double.NaN : (x(times, i1) + x(times, i2)) / 2;
    double yLast = y(curve, lastKept(curve));
    if (!Double.isNaN(yLast) && Math.abs(p - yLast) < TOLERANCE) {
      q = i1 < 0 ? Double.NaN : (x(times, i1) + times[times.length - 1]) / 2;
    }
    return q;
  }

  private static double x(double[] times, int i) {
    return i == 0 ? 0 : times[i - 1];
  }

  private static double y(double[] curve, int i) {
    return i == 0 ? 0 : 1 - curve[i - 1];
  }

  /**
   * Index (in 0..m−1) of the last entry of y that does not repeat an earlier value (NaN equals
   * NaN).
   */
  private static int lastKept(double[] curve) {
    int m = curve.length + 1;
    boolean monotone = true;
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m && monotone; i++) {
      double y = y(curve, i);
      if (!Double.isNaN(y)) {
        monotone = y >= previous;
        previous = y;
      }
    }
    if (monotone) {
      // Non-decreasing y: the first occurrence of the largest value, or the first NaN if later.
      int firstOfMax = 0;
      int firstNaN = -1;
      for (int i = 0; i < m; i++) {
        double y = y(curve, i);
        if (Double.isNaN(y)) {
          if (firstNaN < 0) {
            firstNaN = i;
          }
        } else if (y > y(curve, firstOfMax)) {
          firstOfMax = i;
        }
      }
      return Math.max(firstOfMax, firstNaN);
    }
    // A non-monotone limit curve (an upper limit can rise where few remain at risk): remember what
    // was seen.
    Set<Long> seen = new HashSet<>();
    int last = 0;
    for (int i = 0; i < m; i++) {
      double y = y(curve, i);
      if (seen.add(Double.isNaN(y) ? Long.MIN_VALUE : Double.doubleToLongBits(y + 0.0))) {
        last = i;
      }
    }
    return last;
  }

  /**
   * R's print rule ({@code survmean}'s minmin): among times with S below 0.5 + tol, the first; if S
   * there is 0.5 (within tol) and the curve later drops below it, the midpoint with that later
   * time.
   */
  private double firstHalf(double[] curve) {
    int first = -1;
    for (int i = 0; i < curve.length; i++) {
      if (!Double.isNaN(curve[i]) && curve[i] < 0.5 + TOLERANCE) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return Double.NaN;
    }
    if (Math.abs(curve[first] - 0.5) < TOLERANCE) {
      for (int i = first + 1; i < curve.length; i++) {
        if (!Double.isNaN(curve[i]) && curve[i] < 0.5 + TOLERANCE && curve[i] < curve[first]) {
          return (time[first] + time[i]) / 2;
        }
      }
    }
    return time[first];
  }
}
