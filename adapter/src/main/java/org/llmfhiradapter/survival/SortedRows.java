package org.llmfhiradapter.survival;

/**
 * Rows in ascending (code, time) order, with their merged times, events and codes gathered into
 * contiguous arrays: the estimators' loops then read memory in order instead of jumping through a
 * permutation (at a million rows that is most of their time).
 *
 * @param order original row of each sorted position
 * @param time times merged by {@link TimeTies}, in sorted order
 * @param event events in sorted order
 * @param code codes (group or stratum) in sorted order; all 0 without codes
 */
record SortedRows(int[] order, double[] time, boolean[] event, int[] code) {

  /** Sorts by time only (code 0 for every row). */
  static SortedRows of(double[] time, boolean[] event) {
    return of(time, event, null, 1);
  }

  /** Sorts by code (0..codes−1), then time; ties keep row order. {@code code} may be null. */
  static SortedRows of(double[] time, boolean[] event, int[] code, int codes) {
    int n = time.length;
    int[] byTime = SortOrder.ascending(time);
    double[] sortedTime = new double[n];
    for (int k = 0; k < n; k++) {
      sortedTime[k] = time[byTime[k]];
    }
    TimeTies.mergeSorted(sortedTime);
    int[] order;
    double[] t;
    int[] c = new int[n];
    if (code == null || codes == 1) {
      order = byTime;
      t = sortedTime;
    } else {
      // Stable counting sort of the time-sorted positions by code.
      int[] start = new int[codes + 1];
      for (int row : byTime) {
        start[code[row] + 1]++;
      }
      for (int k = 0; k < codes; k++) {
        start[k + 1] += start[k];
      }
      order = new int[n];
      t = new double[n];
      for (int k = 0; k < n; k++) {
        int row = byTime[k];
        int to = start[code[row]]++;
        order[to] = row;
        t[to] = sortedTime[k];
        c[to] = code[row];
      }
    }
    boolean[] e = new boolean[n];
    for (int k = 0; k < n; k++) {
      e[k] = event[order[k]];
    }
    return new SortedRows(order, t, e, c);
  }

  int size() {
    return order.length;
  }

  /** The merged times back in original row order. */
  double[] timeByRow() {
    double[] byRow = new double[order.length];
    for (int k = 0; k < order.length; k++) {
      byRow[order[k]] = time[k];
    }
    return byRow;
  }

  /** Any per-row int array put in sorted order. */
  int[] gather(int[] byRow) {
    int[] sorted = new int[order.length];
    for (int k = 0; k < order.length; k++) {
      sorted[k] = byRow[order[k]];
    }
    return sorted;
  }
}
