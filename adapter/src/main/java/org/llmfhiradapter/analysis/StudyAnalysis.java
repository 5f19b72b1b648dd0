package org.llmfhiradapter.analysis;

import java.time.LocalDate;
import java.util.List;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.Quantile;

/** The analyze stage: Kaplan-Meier overall survival of the included patients, times in days. */
public final class StudyAnalysis {

  private static final Quantile NONE = new Quantile(Double.NaN, Double.NaN, Double.NaN);

  private final String cohortName;
  private final LocalDate dataCutoff;

  public StudyAnalysis(String cohortName, LocalDate dataCutoff) {
    this.cohortName = cohortName;
    this.dataCutoff = dataCutoff;
  }

  public StudyResult analyze(Cohort cohort) {
    return new StudyResult(cohortName, dataCutoff, cohort, overallSurvival(cohort.included()));
  }

  static SurvivalSummary overallSurvival(List<CaseRecord> cases) {
    if (cases.isEmpty()) {
      return new SurvivalSummary(0, 0, NONE);
    }
    double[] time = new double[cases.size()];
    boolean[] event = new boolean[cases.size()];
    for (int i = 0; i < cases.size(); i++) {
      time[i] = cases.get(i).osDays();
      event[i] = cases.get(i).osEvent();
    }
    KaplanMeierFit fit = KaplanMeier.fit(time, event);
    return new SurvivalSummary(fit.n(), fit.events(), fit.median());
  }
}
