package org.llmfhiradapter.survival;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Harrell's concordance of a risk score with survival, as {@code coxph} reports it (survival ≥ 3.0,
 * {@code concordancefit}, {@code timewt = "n"}), computed in O(n log n) with Fenwick trees.
 *
 * <p><b>Input:</b> times (equal within {@link TimeTies} are one time), event flags, optional strata
 * and the linear predictor (higher = higher risk). <b>Variant:</b> pairs within a stratum; (i, j)
 * is comparable if i had an event and t_i &lt; t_j, or t_i = t_j with j censored; concordant if
 * lp_i &gt; lp_j, discordant if lp_i &lt; lp_j, tied_x if equal. Two events at one time are tied_y
 * (tied_xy if their lp is equal too) and are not comparable. C = (concordant + tied_x/2) /
 * (concordant + discordant + tied_x). Its standard error is the infinitesimal jackknife of R: with
 * N the comparable pairs, somer = (concordant − discordant)/N and c_k, d_k, t_k the concordant,
 * discordant and tied_x pairs row k takes part in (either role), se = sqrt(Σ_k ((c_k − d_k) −
 * somer·(c_k + d_k + t_k))²) / (2N). <b>Degenerate input:</b> no comparable pair gives NaN.
 * <b>Errors:</b> {@link SurvivalDataException} for mismatched lengths or a non-finite lp.
 *
 * @param estimate C
 * @param se its standard error
 */
public record Concordance(
    double estimate,
    double se,
    long concordant,
    long discordant,
    long tiedX,
    long tiedY,
    long tiedXY) {

  /** Below this many rows a second thread costs more than it saves. */
  private static final int PARALLEL_FROM = 20_000;

  /** Computes the concordance; times equal within {@link TimeTies} are one time. */
  public static Concordance of(double[] time, boolean[] event, int[] stratum, double[] lp) {
    int n = time.length;
    if (event.length != n || lp.length != n || (stratum != null && stratum.length != n)) {
      throw new SurvivalDataException("time, event, strata and lp must have the same length");
    }
    int codes = stratum == null ? 1 : Arrays.stream(stratum).max().orElse(0) + 1;
    SortedRows rows = SortedRows.of(time, event, stratum, codes);
    double[] sortedLp = new double[n];
    for (int k = 0; k < n; k++) {
      sortedLp[k] = lp[rows.order()[k]];
    }
    return ofSorted(rows.time(), rows.event(), rows.code(), sortedLp);
  }

  /** Rows already in ascending (stratum, time) order. */
  static Concordance ofSorted(double[] time, boolean[] event, int[] stratum, double[] lp) {
    int n = time.length;
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
    Counts counts = new Counts(n);
    int[] bounds = strataBounds(stratum);
    // The two passes are independent (own tree, own per-row counts): on a large data set the
    // partner pass runs on a second core.
    Fenwick laterTimes = new Fenwick(ranks);
    Fenwick earlierEvents = new Fenwick(ranks);
    Runnable partners =
        () -> {
          for (int s = 0; s + 1 < bounds.length; s++) {
            asPartner(
                time,
                event,
                rank,
                bounds[s],
                bounds[s + 1],
                earlierEvents,
                counts,
                s + 2 == bounds.length);
          }
        };
    CompletableFuture<Void> background =
        n >= PARALLEL_FROM ? CompletableFuture.runAsync(partners) : null;
    if (background == null) {
      partners.run();
    }
    for (int s = 0; s + 1 < bounds.length; s++) {
      asEvent(
          time, event, rank, bounds[s], bounds[s + 1], laterTimes, counts, s + 2 == bounds.length);
    }
    if (background != null) {
      background.join();
    }
    return counts.result();
  }

  /** Start of each stratum block, and n at the end. */
  private static int[] strataBounds(int[] stratum) {
    int n = stratum.length;
    int blocks = n == 0 ? 0 : 1;
    for (int k = 1; k < n; k++) {
      if (stratum[k] != stratum[k - 1]) {
        blocks++;
      }
    }
    int[] bounds = new int[blocks + 1];
    int b = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || stratum[k] != stratum[k - 1]) {
        bounds[b++] = k;
      }
    }
    bounds[blocks] = n;
    return bounds;
  }

  /** Events against later times (and censored at their own time), processing time downwards. */
  private static void asEvent(
      double[] time,
      boolean[] event,
      int[] rank,
      int from,
      int to,
      Fenwick tree,
      Counts counts,
      boolean last) {
    int hi = to;
    while (hi > from) {
      int lo = hi - 1;
      while (lo > from && time[lo - 1] == time[hi - 1]) {
        lo--;
      }
      for (int k = lo; k < hi; k++) {
        if (!event[k]) {
          tree.add(rank[k], 1);
        }
      }
      int deaths = 0;
      for (int k = lo; k < hi; k++) {
        if (event[k]) {
          deaths++;
          int below = tree.below(rank[k]);
          int equal = tree.at(rank[k]);
          counts.add(k, below, tree.total() - below - equal, equal);
        }
      }
      if (deaths > 1) {
        counts.tiedEvents(rank, lo, hi, event);
      }
      for (int k = lo; k < hi; k++) {
        if (event[k]) {
          tree.add(rank[k], 1);
        }
      }
      hi = lo;
    }
    for (int k = from; k < to && !last; k++) {
      tree.add(rank[k], -1);
    }
  }

  /** Each row against the earlier events it is compared with, processing time upwards. */
  private static void asPartner(
      double[] time,
      boolean[] event,
      int[] rank,
      int from,
      int to,
      Fenwick tree,
      Counts counts,
      boolean last) {
    int lo = from;
    while (lo < to) {
      int hi = lo + 1;
      while (hi < to && time[hi] == time[lo]) {
        hi++;
      }
      for (int pass = 0; pass < 2; pass++) {
        // pass 0: events at this time meet strictly earlier events; then they join the tree;
        // pass 1: the censored at this time meet all events up to and including it.
        for (int k = lo; k < hi; k++) {
          if (event[k] == (pass == 0)) {
            int below = tree.below(rank[k]);
            int equal = tree.at(rank[k]);
            counts.addPartner(k, tree.total() - below - equal, below, equal);
          }
        }
        if (pass == 0) {
          for (int k = lo; k < hi; k++) {
            if (event[k]) {
              tree.add(rank[k], 1);
            }
          }
        }
      }
      lo = hi;
    }
    for (int k = from; k < to && !last; k++) {
      if (event[k]) {
        tree.add(rank[k], -1);
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

  /**
   * Pair totals and per-row counts for the jackknife, kept apart for the two roles so the passes
   * can run at the same time.
   */
  private static final class Counts {
    private final int[] conc;
    private final int[] disc;
    private final int[] tied;
    private final int[] partnerConc;
    private final int[] partnerDisc;
    private final int[] partnerTied;
    private long concordant;
    private long discordant;
    private long tiedX;
    private long tiedY;
    private long tiedXY;

    Counts(int n) {
      conc = new int[n];
      disc = new int[n];
      tied = new int[n];
      partnerConc = new int[n];
      partnerDisc = new int[n];
      partnerTied = new int[n];
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

    /**
     * A partner row met by c events of higher lp, d of lower lp, t of equal lp (totals already
     * counted).
     */
    void addPartner(int row, int c, int d, int t) {
      partnerConc[row] += c;
      partnerDisc[row] += d;
      partnerTied[row] += t;
    }

    void tiedEvents(int[] rank, int lo, int hi, boolean[] event) {
      int[] ranks = new int[hi - lo];
      int m = 0;
      for (int k = lo; k < hi; k++) {
        if (event[k]) {
          ranks[m++] = rank[k];
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
        double c = (double) conc[k] + partnerConc[k];
        double d = (double) disc[k] + partnerDisc[k];
        double t = (double) tied[k] + partnerTied[k];
        double term = (c - d) - somer * (c + d + t);
        sum += term * term;
      }
      double se = Math.sqrt(sum) / (2 * pairs);
      return new Concordance(estimate, se, concordant, discordant, tiedX, tiedY, tiedXY);
    }
  }

  /**
   * Counts per rank: prefix sums in O(log n) (a Fenwick tree), plus the plain count of each rank so
   * that "equal" costs one lookup instead of a second tree walk (the walks are cache misses at a
   * million ranks).
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
