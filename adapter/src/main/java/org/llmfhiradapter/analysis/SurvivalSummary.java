package org.llmfhiradapter.analysis;

import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.survival.Quantile;

/**
 * One survival endpoint of the cohort: counts and the Kaplan-Meier median with its 95% CI, in days
 * (NaN = not reached, or no patients).
 */
public record SurvivalSummary(int n, int events, Quantile medianDays) {

  public int censored() {
    return n - events;
  }

  public double medianMonths() {
    return medianDays.estimate() / CaseRecord.DAYS_PER_MONTH;
  }

  public double lowerMonths() {
    return medianDays.lower() / CaseRecord.DAYS_PER_MONTH;
  }

  public double upperMonths() {
    return medianDays.upper() / CaseRecord.DAYS_PER_MONTH;
  }
}
