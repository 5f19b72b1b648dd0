package org.llmfhiradapter.cohort;

import java.time.LocalDate;

/**
 * One patient of the cohort. Index date is the first hepatic resection for leiomyosarcoma liver metastases.
 *
 * @param patientId the source server's Patient id (used to build the cohort Group; never logged or exported)
 * @param sex male or female
 * @param ageYears whole years of age at the index date
 * @param indexDate date of the first hepatic resection for LLM
 * @param osDays days from index to death (event) or to the last date the patient was known alive (censored)
 * @param osEvent true when the patient died
 */
public record CaseRecord(
    String patientId, String sex, Integer ageYears, LocalDate indexDate, int osDays, boolean osEvent) {

  /** Days in an average month (365.25 / 12), the study's unit of display. */
  public static final double DAYS_PER_MONTH = 30.4375;

  public double osMonths() {
    return osDays / DAYS_PER_MONTH;
  }
}
