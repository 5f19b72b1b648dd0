package org.llmfhiradapter.analysis;

import java.time.LocalDate;
import java.util.List;
import org.llmfhiradapter.cohort.Cohort;

/**
 * Everything one run found, the single source of the printed summary, results.json and the
 * MeasureReport.
 *
 * @param cohortName the cohort's name, part of the report identifier
 * @param dataCutoff data cut-off date of the run
 * @param cohort who was pulled, included and excluded
 * @param variables the case-record variables over the included patients, in dictionary order
 * @param overallSurvival OS from the index resection
 * @param recurrenceFreeSurvival RFS from the index resection
 * @param factors OS by each factor of the abstract, in its order
 * @param cox the multivariable Cox model of OS; null when it cannot be fitted (no complete cases or
 *     events)
 */
public record StudyResult(
    String cohortName,
    LocalDate dataCutoff,
    Cohort cohort,
    List<VariableSummary> variables,
    SurvivalSummary overallSurvival,
    SurvivalSummary recurrenceFreeSurvival,
    List<FactorResult> factors,
    CoxResult cox) {

  public StudyResult {
    variables = List.copyOf(variables);
    factors = List.copyOf(factors);
  }
}
