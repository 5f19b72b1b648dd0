package org.llmfhiradapter.publish;

/**
 * Small-cell suppression of published aggregates ({@code llm.publish.min-cell-size}): a count of
 * patients from 1 to {@code minCellSize - 1} is not shown, and neither is any statistic of a group
 * that small (its median, CI, survival at landmarks, events), in results.json, the text summary,
 * the plots, the MeasureReport and the cohort Group alike. Zero is shown: it identifies no one. Off
 * (0) by default; registries often use 11.
 *
 * <p>Primary suppression only: a total minus the other shown cells can still reveal a hidden one
 * where both a total and all but one of its parts are printed (the exclusions by reason against
 * pulled and included); a registry that needs complementary suppression should publish the coarser
 * table.
 */
public record CellSuppression(int minCellSize) {

  public static final CellSuppression NONE = new CellSuppression(0);

  /** What a hidden value reads in JSON. */
  public static final String HIDDEN = "suppressed";

  public CellSuppression {
    if (minCellSize < 0) {
      throw new IllegalArgumentException("minCellSize must be >= 0");
    }
  }

  public boolean active() {
    return minCellSize > 0;
  }

  /** Whether this count of patients (or the statistics of a group this size) is withheld. */
  public boolean hides(int count) {
    return count > 0 && count < minCellSize;
  }

  /** The count for JSON: the number, or {@link #HIDDEN}. */
  public Object json(int count) {
    return hides(count) ? HIDDEN : count;
  }

  /** A statistic for JSON, withheld when the group it comes from is too small. */
  public Object json(Object statistic, int groupSize) {
    return hides(groupSize) ? HIDDEN : statistic;
  }

  /** The count for people: the number, or "<k". */
  public String text(int count) {
    return hides(count) ? "<" + minCellSize : Integer.toString(count);
  }
}
