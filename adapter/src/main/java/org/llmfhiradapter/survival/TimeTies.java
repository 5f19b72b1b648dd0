package org.llmfhiradapter.survival;

/**
 * Merges survival times that differ only by floating-point noise, as R's {@code survival} does before every
 * fit ({@code aeqSurv}, {@code timefix = TRUE}); times computed as differences of dates or from unit
 * conversions would otherwise split one tied time into several.
 *
 * <p><b>Rule.</b> Take the sorted distinct times; a gap between neighbours is a tie if it is at most
 * {@link #TOLERANCE} (sqrt of the double epsilon, 1.49e-8) absolutely, or relative to the mean absolute
 * distinct time. Each run of tied gaps collapses onto its first (smallest) time. <b>Input:</b> finite
 * times. <b>Degenerate input:</b> nothing to merge returns the input array itself. <b>Errors:</b> none.
 */
public final class TimeTies {

  /** R's {@code sqrt(.Machine$double.eps)}. */
  public static final double TOLERANCE = Math.sqrt(Math.ulp(1.0));

  private TimeTies() {}

  /** The times with near-equal values replaced by the first of their run; the same array if none merge. */
  public static double[] merge(double[] time) {
    return merge(time, SortOrder.ascending(time));
  }

  /**
   * As {@link #merge(double[])}, given the ascending order of {@code time}. Merging keeps that order valid:
   * it maps times monotonically.
   */
  static double[] merge(double[] time, int[] ascending) {
    int n = ascending.length;
    if (n < 2) {
      return time;
    }
    // R takes mean(abs(unique times)) with a second, correcting pass; so do we.
    int distinct = 0;
    double sum = 0;
    double previous = Double.NaN;
    for (int row : ascending) {
      double t = time[row];
      if (t != previous) {
        distinct++;
        sum += Math.abs(t);
        previous = t;
      }
    }
    double mean = sum / distinct;
    double correction = 0;
    previous = Double.NaN;
    for (int row : ascending) {
      double t = time[row];
      if (t != previous) {
        correction += Math.abs(t) - mean;
        previous = t;
      }
    }
    mean += correction / distinct;

    double[] merged = null;
    double cut = time[ascending[0]];
    previous = cut;
    for (int k = 1; k < n; k++) {
      int row = ascending[k];
      double t = time[row];
      if (t != previous) {
        double gap = t - previous;
        if (!(gap <= TOLERANCE || gap / mean <= TOLERANCE)) {
          cut = t;
        }
        previous = t;
      }
      if (t != cut) {
        if (merged == null) {
          merged = time.clone();
        }
        merged[row] = cut;
      }
    }
    return merged == null ? time : merged;
  }
}
