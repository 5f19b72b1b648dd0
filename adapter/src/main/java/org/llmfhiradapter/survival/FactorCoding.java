package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A covariate of labels coded for a Cox model as R codes a {@code factor()}: levels sorted (by code
 * point, as R sorts in the C collation), treatment contrasts, that is one 0/1 column per level but
 * the reference, each named as R names the coefficient, column and level run together ({@code
 * celltype} + {@code adeno} = {@code celltypeadeno}). The reference is the first level unless one
 * is named (R's {@code relevel}); the other levels keep their order. A missing label (null) is NaN
 * in every column, so that its row is dropped as any row with a missing value is. Levels are those
 * of all rows, as R's are: a level whose rows are all dropped for another missing value leaves a
 * column of zeros, aliased as in R.
 *
 * @param column the covariate's name
 * @param levels every level, the reference first
 */
public record FactorCoding(String column, List<String> levels) {

  public FactorCoding {
    levels = List.copyOf(levels);
  }

  /**
   * The coding of these labels.
   *
   * @param reference the reference level, or null for the first in sorted order
   * @throws SurvivalDataException when fewer than two levels are present, or the reference is not
   *     one of them
   */
  public static FactorCoding of(String column, String[] labels, String reference) {
    TreeSet<String> sorted = new TreeSet<>();
    for (String label : labels) {
      if (label != null) {
        sorted.add(label);
      }
    }
    if (sorted.size() < 2) {
      throw new SurvivalDataException(
          "column '"
              + column
              + "' has "
              + (sorted.isEmpty() ? "no label" : "one label only ('" + sorted.first() + "')")
              + ": a covariate of labels needs at least two");
    }
    List<String> levels = new ArrayList<>(sorted);
    if (reference != null) {
      if (!levels.remove(reference)) {
        throw new SurvivalDataException(
            "the reference level '"
                + reference
                + "' of column '"
                + column
                + "' is none of its labels ("
                + String.join(", ", sorted)
                + ")");
      }
      levels.add(0, reference);
    }
    return new FactorCoding(column, levels);
  }

  public String reference() {
    return levels.get(0);
  }

  /** The levels compared with the reference, one model term each, in level order. */
  public List<String> contrasts() {
    return levels.subList(1, levels.size());
  }

  /** R's name of a level's coefficient. */
  public String termName(String level) {
    return column + level;
  }

  /** The 0/1 column of one level: 1 where the label is that level, NaN where it is missing. */
  public double[] indicator(String[] labels, String level) {
    double[] values = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      values[i] = labels[i] == null ? Double.NaN : labels[i].equals(level) ? 1 : 0;
    }
    return values;
  }
}
