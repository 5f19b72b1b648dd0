package org.llmfhiradapter.analysis;

import java.util.List;
import org.llmfhiradapter.survival.LogRankResult;

/**
 * Overall survival by one factor of the study: a curve per level and the log-rank test between
 * them.
 *
 * @param factor the factor's code (e.g. {@code primary_r0})
 * @param levels the levels with at least one patient, in the factor's order
 * @param logRank the log-rank test over {@link #testedLevels}; null when fewer than two levels have
 *     patients
 * @param testedLevels the levels the test compares (for recurrence_pattern, the patients who
 *     recurred)
 * @param missing patients the factor concerns but for whom it is unknown (left out)
 */
public record FactorResult(
    String factor,
    List<Level> levels,
    LogRankResult logRank,
    List<String> testedLevels,
    int missing) {

  public record Level(String level, SurvivalSummary survival) {}

  public FactorResult {
    levels = List.copyOf(levels);
    testedLevels = List.copyOf(testedLevels);
  }

  public double logRankP() {
    return logRank == null ? Double.NaN : logRank.p();
  }
}
