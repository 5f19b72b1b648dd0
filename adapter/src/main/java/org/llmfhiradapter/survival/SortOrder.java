package org.llmfhiradapter.survival;

import java.util.Arrays;

/**
 * Stable ascending orderings in linear time (least-significant-digit radix sort on the bits of the
 * key). Sorting indices with a comparator boxes every index and costs about a second at a million
 * rows; this costs a few tens of milliseconds, which is what lets one sort serve a whole analysis.
 */
final class SortOrder {

  private static final int BITS = 11;
  private static final int BUCKETS = 1 << BITS;
  private static final int MASK = BUCKETS - 1;

  private SortOrder() {}

  /**
   * Row indices putting {@code x} in ascending order; equal values keep their row order. No NaN
   * allowed.
   */
  static int[] ascending(double[] x) {
    long[] keys = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      keys[i] = sortableBits(x[i]);
    }
    return byKeys(keys, identity(x.length));
  }

  static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /**
   * Maps a double to a long whose unsigned order is the numeric order (−0.0 and 0.0 become one
   * key).
   */
  private static long sortableBits(double value) {
    long bits = Double.doubleToRawLongBits(value + 0.0);
    return bits ^ ((bits >> 63) | Long.MIN_VALUE);
  }

  /**
   * Sorts {@code idx} along with {@code keys} (unsigned, ascending, stable); both arrays are
   * consumed.
   */
  private static int[] byKeys(long[] keys, int[] idx) {
    int n = keys.length;
    if (n < 2) {
      return idx;
    }
    long[] keyBuffer = new long[n];
    int[] idxBuffer = new int[n];
    int[] count = new int[BUCKETS + 1];
    for (int shift = 0; shift < 64; shift += BITS) {
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((keys[i] >>> shift) & MASK) + 1]++;
      }
      if (count[(int) ((keys[0] >>> shift) & MASK) + 1] == n) {
        continue; // every key has this digit: the pass would not move anything
      }
      for (int b = 0; b < BUCKETS; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        int pos = count[(int) ((keys[i] >>> shift) & MASK)]++;
        keyBuffer[pos] = keys[i];
        idxBuffer[pos] = idx[i];
      }
      long[] k = keys;
      keys = keyBuffer;
      keyBuffer = k;
      int[] x = idx;
      idx = idxBuffer;
      idxBuffer = x;
    }
    return idx;
  }
}
