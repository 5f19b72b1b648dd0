package org.llmfhiradapter.analysis;

import java.time.LocalDate;
import org.llmfhiradapter.cohort.Cohort;

/**
 * Everything one run found, the single source of the printed summary, results.json and the MeasureReport.
 *
 * @param cohortName the cohort's name, part of the report identifier
 * @param dataCutoff data cut-off date of the run
 * @param cohort who was pulled, included and excluded
 * @param overallSurvival OS from the index resection
 */
public record StudyResult(String cohortName, LocalDate dataCutoff, Cohort cohort, SurvivalSummary overallSurvival) {}
