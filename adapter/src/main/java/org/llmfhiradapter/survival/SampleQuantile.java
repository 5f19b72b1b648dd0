package org.llmfhiradapter.survival;

/**
 * Sample quantiles as R's {@code quantile(x, p)} computes them by default (type 7): the linear
 * interpolation between the order statistics at h = (n − 1)p, so that the median is R's {@code
 * median()} and the quartiles give R's IQR. <b>Input:</b> values sorted ascending, no NaN; p in [0,
 * 1]. An empty sample has no quantile (NaN).
 */
public final class SampleQuantile {

  private SampleQuantile() {}

  public static double type7(double[] sorted, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in [0, 1], not " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * p;
    int low = (int) Math.floor(h);
    int high = Math.min(low + 1, sorted.length - 1);
    return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
  }
}
