package org.llmfhiradapter.survival;

import java.util.Arrays;

/**
 * Harrell's concordance of a risk score with survival, as {@code coxph} reports it (survival ≥ 3.0,
 * {@code concordancefit}, {@code timewt = "n"}), computed in O(n log n) with Fenwick trees.
 *
 * <p><b>Input:</b> times (already merged by {@link TimeTies} if wanted), event flags, optional strata and
 * the linear predictor (higher = higher risk). <b>Variant:</b> pairs within a stratum; (i, j) is comparable
 * if i had an event and t_i &lt; t_j, or t_i = t_j with j censored; concordant if lp_i &gt; lp_j, discordant
 * if lp_i &lt; lp_j, tied_x if equal. Two events at one time are tied_y (tied_xy if their lp is equal too)
 * and are not comparable. C = (concordant + tied_x/2) / (concordant + discordant + tied_x). Its standard
 * error is the infinitesimal jackknife of R: with N the comparable pairs, somer = (concordant −
 * discordant)/N and c_k, d_k, t_k the concordant, discordant and tied_x pairs row k takes part in (either
 * role), se = sqrt(Σ_k ((c_k − d_k) − somer·(c_k + d_k + t_k))²) / (2N). <b>Degenerate input:</b> no
 * comparable pair gives NaN. <b>Errors:</b> {@link SurvivalDataException} for mismatched lengths or a
 * non-finite lp.
 *
 * @param estimate C
 * @param se its standard error
 */
public record Concordance(
    double estimate, double se, long concordant, long discordant, long tiedX, long tiedY, long tiedXY) {

  public static Concordance of(double[] time, boolean[] event, int[] stratum, double[] lp) {
    int n = time.length;
    if (event.length != n || lp.length != n || (stratum != null && stratum.length != n)) {
      throw new SurvivalDataException("time, event, strata and lp must have the same length");
    }
    for (double v : lp) {
      if (!Double.isFinite(v)) {
        throw new SurvivalDataException("the linear predictor must be finite");
      }
    }
    int[] rank = denseRanks(lp);
    int ranks = 0;
    for (int r : rank) {
      ranks = Math.max(ranks, r);
    }
    int[] order = SortOrder.ascending(time);
    int[] code = stratum == null ? new int[n] : stratum;
    if (stratum != null) {
      int codes = Arrays.stream(stratum).max().orElse(0) + 1;
      order = SortOrder.byCode(order, code, codes);
    }
    Counts counts = new Counts(n);
    // One tree per pass, so that the last (usually only) stratum need not empty them again.
    Fenwick laterTimes = new Fenwick(ranks);
    Fenwick earlierEvents = new Fenwick(ranks);
    int start = 0;
    while (start < n) {
      int end = start;
      while (end < n && code[order[end]] == code[order[start]]) {
        end++;
      }
      boolean last = end == n;
      asEvent(time, event, rank, order, start, end, laterTimes, counts, last);
      asPartner(time, event, rank, order, start, end, earlierEvents, counts, last);
      start = end;
    }
    return counts.result();
  }

  /** Events against later times (and censored at their own time), processing time downwards. */
  private static void asEvent(
      double[] time,
      boolean[] event,
      int[] rank,
      int[] order,
      int from,
      int to,
      Fenwick tree,
      Counts counts,
      boolean last) {
    int hi = to;
    while (hi > from) {
      int lo = hi - 1;
      while (lo > from && time[order[lo - 1]] == time[order[hi - 1]]) {
        lo--;
      }
      for (int k = lo; k < hi; k++) {
        if (!event[order[k]]) {
          tree.add(rank[order[k]], 1);
        }
      }
      int deaths = 0;
      for (int k = lo; k < hi; k++) {
        int row = order[k];
        if (event[row]) {
          deaths++;
          int below = tree.below(rank[row]);
          int equal = tree.at(rank[row]);
          counts.add(row, below, tree.total() - below - equal, equal);
        }
      }
      if (deaths > 1) {
        counts.tiedEvents(rank, order, lo, hi, event);
      }
      for (int k = lo; k < hi; k++) {
        if (event[order[k]]) {
          tree.add(rank[order[k]], 1);
        }
      }
      hi = lo;
    }
    for (int k = from; k < to && !last; k++) {
      tree.add(rank[order[k]], -1);
    }
  }

  /** Each row against the earlier events it is compared with, processing time upwards. */
  private static void asPartner(
      double[] time,
      boolean[] event,
      int[] rank,
      int[] order,
      int from,
      int to,
      Fenwick tree,
      Counts counts,
      boolean last) {
    int lo = from;
    while (lo < to) {
      int hi = lo + 1;
      while (hi < to && time[order[hi]] == time[order[lo]]) {
        hi++;
      }
      for (int pass = 0; pass < 2; pass++) {
        // pass 0: events at this time meet strictly earlier events; then they join the tree;
        // pass 1: the censored at this time meet all events up to and including it.
        for (int k = lo; k < hi; k++) {
          int row = order[k];
          if (event[row] == (pass == 0)) {
            int below = tree.below(rank[row]);
            int equal = tree.at(rank[row]);
            counts.addPartner(row, tree.total() - below - equal, below, equal);
          }
        }
        if (pass == 0) {
          for (int k = lo; k < hi; k++) {
            if (event[order[k]]) {
              tree.add(rank[order[k]], 1);
            }
          }
        }
      }
      lo = hi;
    }
    for (int k = from; k < to && !last; k++) {
      if (event[order[k]]) {
        tree.add(rank[order[k]], -1);
      }
    }
  }

  /** Ranks 1..R of the values, equal values sharing a rank. */
  private static int[] denseRanks(double[] values) {
    int[] byValue = SortOrder.ascending(values);
    int[] rank = new int[values.length];
    int r = 0;
    double previous = Double.NaN;
    for (int row : byValue) {
      if (values[row] != previous) {
        r++;
        previous = values[row];
      }
      rank[row] = r;
    }
    return rank;
  }

  /** Pair totals and per-row counts for the jackknife. */
  private static final class Counts {
    private final int[] conc;
    private final int[] disc;
    private final int[] tied;
    private long concordant;
    private long discordant;
    private long tiedX;
    private long tiedY;
    private long tiedXY;

    Counts(int n) {
      conc = new int[n];
      disc = new int[n];
      tied = new int[n];
    }

    /** An event row with c partners of lower lp, d of higher lp, t of equal lp. */
    void add(int row, int c, int d, int t) {
      conc[row] += c;
      disc[row] += d;
      tied[row] += t;
      concordant += c;
      discordant += d;
      tiedX += t;
    }

    /** A partner row met by c events of higher lp, d of lower lp, t of equal lp (totals already counted). */
    void addPartner(int row, int c, int d, int t) {
      conc[row] += c;
      disc[row] += d;
      tied[row] += t;
    }

    void tiedEvents(int[] rank, int[] order, int lo, int hi, boolean[] event) {
      int[] ranks = new int[hi - lo];
      int m = 0;
      for (int k = lo; k < hi; k++) {
        if (event[order[k]]) {
          ranks[m++] = rank[order[k]];
        }
      }
      Arrays.sort(ranks, 0, m);
      long pairs = (long) m * (m - 1) / 2;
      long equal = 0;
      int i = 0;
      while (i < m) {
        int j = i;
        while (j < m && ranks[j] == ranks[i]) {
          j++;
        }
        long run = j - i;
        equal += run * (run - 1) / 2;
        i = j;
      }
      tiedXY += equal;
      tiedY += pairs - equal;
    }

    Concordance result() {
      double pairs = (double) concordant + discordant + tiedX;
      double estimate = (concordant + tiedX / 2.0) / pairs;
      double somer = (concordant - (double) discordant) / pairs;
      double sum = 0;
      for (int k = 0; k < conc.length; k++) {
        double term = ((double) conc[k] - disc[k]) - somer * ((double) conc[k] + disc[k] + tied[k]);
        sum += term * term;
      }
      double se = Math.sqrt(sum) / (2 * pairs);
      return new Concordance(estimate, se, concordant, discordant, tiedX, tiedY, tiedXY);
    }
  }

  /**
   * Counts per rank: prefix sums in O(log n) (a Fenwick tree), plus the plain count of each rank so that
   * "equal" costs one lookup instead of a second tree walk (the walks are cache misses at a million ranks).
   */
  private static final class Fenwick {
    private final int[] tree;
    private final int[] count;
    private int total;

    Fenwick(int size) {
      tree = new int[size + 1];
      count = new int[size + 1];
    }

    void add(int rank, int delta) {
      total += delta;
      count[rank] += delta;
      for (int i = rank; i < tree.length; i += i & -i) {
        tree[i] += delta;
      }
    }

    /** Count with rank < {@code rank}. */
    int below(int rank) {
      int sum = 0;
      for (int i = rank - 1; i > 0; i -= i & -i) {
        sum += tree[i];
      }
      return sum;
    }

    /** Count with exactly {@code rank}. */
    int at(int rank) {
      return count[rank];
    }

    int total() {
      return total;
    }
  }
}
