package org.llmfhiradapter.analysis;

import java.util.List;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.survival.KmStep;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * One survival curve of the study (an endpoint, or one level of a factor): counts, the Kaplan-Meier
 * median with its 95% CI, and survival at the landmark months. Times inside are days; the month
 * accessors convert. NaN means not reached (or no patients).
 *
 * @param landmarks survival at {@link StudyAnalysis#LANDMARK_MONTHS}, in that order ({@code time}
 *     in days)
 * @param longestDays the longest follow-up (what a median that is not reached exceeds)
 * @param curve the Kaplan-Meier table the numbers come from (times in days), for plots
 */
public record SurvivalSummary(
    int n,
    int events,
    Quantile medianDays,
    List<SurvivalAt> landmarks,
    double longestDays,
    List<KmStep> curve) {

  public SurvivalSummary {
    landmarks = List.copyOf(landmarks);
    curve = List.copyOf(curve);
  }

  public int censored() {
    return n - events;
  }

  public double medianMonths() {
    return medianDays.estimate() / CaseRecord.DAYS_PER_MONTH;
  }

  public double lowerMonths() {
    return medianDays.lower() / CaseRecord.DAYS_PER_MONTH;
  }

  public double longestMonths() {
    return longestDays / CaseRecord.DAYS_PER_MONTH;
  }

  public double upperMonths() {
    return medianDays.upper() / CaseRecord.DAYS_PER_MONTH;
  }
}
