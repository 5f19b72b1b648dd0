package org.llmfhiradapter.survival;

/**
 * Merges survival times that differ only by floating-point noise, as R's {@code survival} does
 * before every fit ({@code aeqSurv}, {@code timefix = TRUE}); times computed as differences of
 * dates or from unit conversions would otherwise split one tied time into several.
 *
 * <p><b>Rule.</b> Take the sorted distinct times; a gap between neighbours is a tie if it is at
 * most {@link #TOLERANCE} (sqrt of the double epsilon, 1.49e-8) absolutely, or relative to the mean
 * absolute distinct time. Each run of tied gaps collapses onto its first (smallest) time.
 * <b>Input:</b> finite times. <b>Degenerate input:</b> nothing to merge returns the input array
 * itself. <b>Errors:</b> none.
 */
public final class TimeTies {

  /** R's {@code sqrt(.Machine$double.eps)}. */
  public static final double TOLERANCE = Math.sqrt(Math.ulp(1.0));

  private TimeTies() {}

  /**
   * The times with near-equal values replaced by the first of their run; the same array if none
   * merge.
   */
  public static double[] merge(double[] time) {
    int[] order = SortOrder.ascending(time);
    double[] sorted = new double[time.length];
    for (int k = 0; k < sorted.length; k++) {
      sorted[k] = time[order[k]];
    }
    if (!mergeSorted(sorted)) {
      return time;
    }
    double[] merged = new double[time.length];
    for (int k = 0; k < sorted.length; k++) {
      merged[order[k]] = sorted[k];
    }
    return merged;
  }

  /** Merges ascending times in place; whether anything changed. */
  static boolean mergeSorted(double[] sorted) {
    int n = sorted.length;
    if (n < 2) {
      return false;
    }
    // R takes mean(abs(unique times)) with a second, correcting pass; so do we.
    int distinct = 0;
    double sum = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || sorted[k] != sorted[k - 1]) {
        distinct++;
        sum += Math.abs(sorted[k]);
      }
    }
    double mean = sum / distinct;
    double correction = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || sorted[k] != sorted[k - 1]) {
        correction += Math.abs(sorted[k]) - mean;
      }
    }
    mean += correction / distinct;

    boolean changed = false;
    double cut = sorted[0];
    double previous = cut;
    for (int k = 1; k < n; k++) {
      double t = sorted[k];
      if (t != previous) {
        double gap = t - previous;
        if (!(gap <= TOLERANCE || gap / mean <= TOLERANCE)) {
          cut = t;
        }
        previous = t;
      }
      if (t != cut) {
        sorted[k] = cut;
        changed = true;
      }
    }
    return changed;
  }
}
