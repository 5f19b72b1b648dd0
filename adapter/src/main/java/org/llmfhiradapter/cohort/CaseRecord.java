package org.llmfhiradapter.cohort;

import java.time.LocalDate;

/**
 * One patient of the LLM cohort, every variable of the study (see docs/decisions.md for how each is
 * read from FHIR). Index date: the first hepatic resection for leiomyosarcoma liver metastases. A
 * variable the record cannot give is null (missing), never guessed. Intervals are whole days;
 * months appear only for display ({@link #DAYS_PER_MONTH}).
 *
 * @param patientId the source server's Patient id (for the cohort Group; never logged, never in
 *     cohort.csv)
 * @param sex male or female
 * @param ageYears whole years of age at the index date
 * @param indexDate date of the first hepatic resection for LLM
 * @param primaryR0 R0 margin at the resection of the primary (R1/R2: false; RX or none recorded:
 *     missing)
 * @param dxToLlmDays days from the leiomyosarcoma diagnosis to the liver-metastasis diagnosis
 * @param primaryResectionToLlmDays days from the resection of the primary to the liver-metastasis
 *     diagnosis
 * @param largestLlmCm size of the largest liver metastasis, in cm
 * @param llmCount number of liver metastases
 * @param neoadjuvantChemo chemotherapy started between the LLM diagnosis and the index resection
 * @param chemoResponse responded, stable or progressed (only for neoadjuvant patients)
 * @param majorHepatectomy the index resection took ≥ 3 Couinaud segments
 * @param rfa radiofrequency ablation of liver lesions within 30 days of the index resection
 * @param osDays days from index to death (event) or to the last date known alive (censored)
 * @param osEvent the patient died
 * @param rfsDays days from index to the first recurrence or death, or to the last date known alive
 * @param rfsEvent recurrence or death
 * @param recurrencePattern none, lung-only, liver-only, liver-and-other, other-without-liver
 */
public record CaseRecord(
    String patientId,
    String sex,
    Integer ageYears,
    LocalDate indexDate,
    Boolean primaryR0,
    Integer dxToLlmDays,
    Integer primaryResectionToLlmDays,
    Double largestLlmCm,
    Integer llmCount,
    Boolean neoadjuvantChemo,
    String chemoResponse,
    Boolean majorHepatectomy,
    Boolean rfa,
    int osDays,
    boolean osEvent,
    int rfsDays,
    boolean rfsEvent,
    String recurrencePattern) {

  /** Days in an average month (365.25 / 12), the study's unit of display. */
  public static final double DAYS_PER_MONTH = 30.4375;

  /** Six months, the abstract's cut between synchronous and metachronous metastases. */
  static final double SYNCHRONOUS_MONTHS = 6;

  /**
   * Twelve months, the abstract's cut for an early liver metastasis after the primary resection.
   */
  static final double EARLY_RECURRENCE_MONTHS = 12;

  /** Five centimetres, the abstract's cut for the largest liver metastasis. */
  static final double LARGE_LLM_CM = 5.0;

  public static double months(int days) {
    return days / DAYS_PER_MONTH;
  }

  public double osMonths() {
    return months(osDays);
  }

  public double rfsMonths() {
    return months(rfsDays);
  }

  /** Diagnosis of the liver metastases less than 6 months after the leiomyosarcoma diagnosis. */
  public Boolean synchronous() {
    return dxToLlmDays == null ? null : months(dxToLlmDays) < SYNCHRONOUS_MONTHS;
  }

  /** Liver metastases diagnosed 12 months or more after the resection of the primary. */
  public Boolean primaryResectionToLlmGe12() {
    return primaryResectionToLlmDays == null
        ? null
        : months(primaryResectionToLlmDays) >= EARLY_RECURRENCE_MONTHS;
  }

  /** More than one liver metastasis. */
  public Boolean multipleLlm() {
    return llmCount == null ? null : llmCount > 1;
  }

  /** Largest liver metastasis under 5 cm. */
  public Boolean largestLlmLt5cm() {
    return largestLlmCm == null ? null : largestLlmCm < LARGE_LLM_CM;
  }
}
