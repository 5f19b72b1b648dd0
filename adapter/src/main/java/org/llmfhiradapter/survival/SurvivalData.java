package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete cases of a survival data set: time, event, and optionally a group, strata and
 * numeric covariates, as the estimators take them. Built by {@link Builder}, which drops every row
 * missing a value in a column it was given (NaN for numbers, null for labels) and counts them, as
 * R's {@code na.omit}.
 *
 * <p>Groups and strata are labels; their levels are ordered as given to the builder, else
 * numerically when every label is a number (R's factor of a numeric column), else by text. Levels
 * with no complete row are left out. The arrays are shared with the estimators, not copied: treat
 * them as read-only.
 */
public final class SurvivalData {

  private final double[] time;
  private final boolean[] event;
  private final int[] group;
  private final List<String> groupLevels;
  private final int[] stratum;
  private final List<String> strataLevels;
  private final double[][] covariates;
  private final List<String> covariateNames;
  private final int dropped;
  private final int events;

  private SurvivalData(
      double[] time,
      boolean[] event,
      int[] group,
      List<String> groupLevels,
      int[] stratum,
      List<String> strataLevels,
      double[][] covariates,
      List<String> covariateNames,
      int dropped) {
    this.time = time;
    this.event = event;
    this.group = group;
    this.groupLevels = groupLevels;
    this.stratum = stratum;
    this.strataLevels = strataLevels;
    this.covariates = covariates;
    this.covariateNames = covariateNames;
    this.dropped = dropped;
    int e = 0;
    for (boolean b : event) {
      e += b ? 1 : 0;
    }
    this.events = e;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Complete rows. */
  public int n() {
    return time.length;
  }

  /** Rows dropped for a missing value. */
  public int dropped() {
    return dropped;
  }

  public int events() {
    return events;
  }

  public boolean hasGroup() {
    return group != null;
  }

  /** Group levels in order (empty without a group). */
  public List<String> groupLevels() {
    return groupLevels;
  }

  public boolean hasStrata() {
    return stratum != null;
  }

  public List<String> strataLevels() {
    return strataLevels;
  }

  public List<String> covariateNames() {
    return covariateNames;
  }

  double[] time() {
    return time;
  }

  boolean[] event() {
    return event;
  }

  /** Group code per row (index into {@link #groupLevels()}), or null. */
  int[] group() {
    return group;
  }

  /** Stratum code per row, or null. */
  int[] stratum() {
    return stratum;
  }

  /** Covariate columns: {@code covariates()[j][row]}. */
  double[][] covariates() {
    return covariates;
  }

  /**
   * Collects columns of equal length; {@link #build()} validates them and keeps the complete rows.
   */
  public static final class Builder {
    private double[] time;
    private double[] status;
    private String[] group;
    private List<String> groupOrder;
    private String[] strata;
    private final Map<String, double[]> covariates = new LinkedHashMap<>();

    private Builder() {}

    /** Follow-up times, finite and ≥ 0; NaN is missing. */
    public Builder time(double[] values) {
      this.time = values;
      return this;
    }

    /** Event codes: 1 = event, 0 = censored; NaN is missing. */
    public Builder status(double[] values) {
      this.status = values;
      return this;
    }

    public Builder event(boolean[] values) {
      double[] codes = new double[values.length];
      for (int i = 0; i < values.length; i++) {
        codes[i] = values[i] ? 1 : 0;
      }
      return status(codes);
    }

    /** Group labels (null is missing), levels in natural order. */
    public Builder group(String[] labels) {
      return group(labels, null);
    }

    /** Group labels with their level order (every label must be one of {@code levels}). */
    public Builder group(String[] labels, List<String> levels) {
      this.group = labels;
      this.groupOrder = levels;
      return this;
    }

    /** Strata labels (null is missing). */
    public Builder strata(String[] labels) {
      this.strata = labels;
      return this;
    }

    /** A numeric covariate; NaN is missing. */
    public Builder covariate(String name, double[] values) {
      if (covariates.put(name, values) != null) {
        throw new SurvivalDataException("covariate '" + name + "' given twice");
      }
      return this;
    }

    public SurvivalData build() {
      if (time == null || status == null) {
        throw new SurvivalDataException("time and status are required");
      }
      int n = time.length;
      requireLength("status", status.length, n);
      if (group != null) {
        requireLength("group", group.length, n);
      }
      if (strata != null) {
        requireLength("strata", strata.length, n);
      }
      covariates.forEach(
          (name, values) -> requireLength("covariate '" + name + "'", values.length, n));

      boolean[] keep = new boolean[n];
      int kept = 0;
      for (int i = 0; i < n; i++) {
        boolean complete =
            !Double.isNaN(time[i])
                && !Double.isNaN(status[i])
                && (group == null || group[i] != null)
                && (strata == null || strata[i] != null);
        if (complete) {
          for (double[] values : covariates.values()) {
            if (Double.isNaN(values[i])) {
              complete = false;
              break;
            }
          }
        }
        if (!complete) {
          continue;
        }
        if (!(time[i] >= 0) || Double.isInfinite(time[i])) {
          throw new SurvivalDataException(
              "time must be finite and >= 0; row " + i + " has " + time[i]);
        }
        if (status[i] != 0 && status[i] != 1) {
          throw new SurvivalDataException(
              "status must be 1 (event) or 0 (censored); row " + i + " has " + status[i]);
        }
        for (Map.Entry<String, double[]> c : covariates.entrySet()) {
          if (Double.isInfinite(c.getValue()[i])) {
            throw new SurvivalDataException(
                "covariate '" + c.getKey() + "' is infinite in row " + i);
          }
        }
        keep[i] = true;
        kept++;
      }
      if (kept == 0) {
        throw new SurvivalDataException(
            n == 0 ? "no rows" : "no complete rows: each of the " + n + " rows misses a value");
      }
      double[] t = new double[kept];
      boolean[] e = new boolean[kept];
      double[][] x = new double[covariates.size()][kept];
      List<double[]> columns = new ArrayList<>(covariates.values());
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (!keep[i]) {
          continue;
        }
        t[k] = time[i];
        e[k] = status[i] == 1;
        for (int j = 0; j < x.length; j++) {
          x[j][k] = columns.get(j)[i];
        }
        k++;
      }
      Coded g = group == null ? null : Coded.of("group", group, keep, kept, groupOrder);
      Coded s = strata == null ? null : Coded.of("strata", strata, keep, kept, null);
      return new SurvivalData(
          t,
          e,
          g == null ? null : g.codes,
          g == null ? List.of() : g.levels,
          s == null ? null : s.codes,
          s == null ? List.of() : s.levels,
          x,
          List.copyOf(covariates.keySet()),
          n - kept);
    }

    private static void requireLength(String what, int length, int n) {
      if (length != n) {
        throw new SurvivalDataException(what + " has " + length + " values, time has " + n);
      }
    }
  }

  /** Labels turned into level codes. */
  private record Coded(int[] codes, List<String> levels) {

    static Coded of(String what, String[] labels, boolean[] keep, int kept, List<String> order) {
      List<String> present = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < labels.length; i++) {
        if (keep[i] && seen.putIfAbsent(labels[i], 0) == null) {
          present.add(labels[i]);
        }
      }
      List<String> levels;
      if (order != null) {
        for (String label : present) {
          if (!order.contains(label)) {
            throw new SurvivalDataException(
                what + " label '" + label + "' is not among the levels " + order);
          }
        }
        levels = order.stream().filter(seen::containsKey).toList();
      } else {
        levels = naturalOrder(present);
      }
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < levels.size(); i++) {
        index.put(levels.get(i), i);
      }
      int[] codes = new int[kept];
      int k = 0;
      for (int i = 0; i < labels.length; i++) {
        if (keep[i]) {
          codes[k++] = index.get(labels[i]);
        }
      }
      return new Coded(codes, levels);
    }

    /** Numeric order when every label is a number, text order otherwise. */
    private static List<String> naturalOrder(List<String> labels) {
      String[] sorted = labels.toArray(String[]::new);
      boolean numeric = Arrays.stream(sorted).allMatch(Coded::isNumber);
      Comparator<String> byText = Comparator.naturalOrder();
      Arrays.sort(
          sorted,
          numeric
              ? Comparator.comparingDouble((String s) -> Double.parseDouble(s.trim()))
                  .thenComparing(byText)
              : byText);
      return List.of(sorted);
    }

    private static boolean isNumber(String s) {
      try {
        return Double.isFinite(Double.parseDouble(s.trim()));
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }
}
