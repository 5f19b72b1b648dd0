package org.llmfhiradapter.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.csv.CSVPrinter;
import org.llmfhiradapter.cohort.CaseRecord;

/**
 * cohort.csv: the de-identified case table, one row per included patient, for researchers' own
 * analyses (it reads straight into {@code analyze} or R). No names, identifiers or dates: times are
 * months from the index resection, ages are capped at 90 (HIPAA Safe Harbor), rows are numbered,
 * not named. Yes/no variables are 1/0 so that they can be covariates; an empty cell is missing.
 */
public final class CohortCsv {

  /** Ages above this are written as this (HIPAA Safe Harbor aggregates ages over 89). */
  static final int AGE_CAP = 90;

  static final String HEADER =
      "row,sex,age_years,primary_r0,dx_to_llm_months,synchronous,primary_resection_to_llm_ge_12,largest_llm_cm,"
          + "largest_llm_lt_5cm,llm_count,multiple_llm,neoadjuvant_chemo,chemo_response,major_hepatectomy,rfa,"
          + "os_months,os_event,rfs_months,rfs_event,recurrence_pattern";

  private CohortCsv() {}

  public static void write(StudyRun run, Path file) throws IOException {
    try (CSVPrinter out = CsvOut.open(file, HEADER.split(","))) {
      int row = 0;
      for (CaseRecord r : run.result().cohort().included()) {
        row++;
        out.printRecord(
            String.valueOf(row),
            text(r.sex()),
            r.ageYears() == null ? "" : String.valueOf(Math.min(AGE_CAP, r.ageYears())),
            flag(r.primaryR0()),
            r.dxToLlmDays() == null ? "" : months(CaseRecord.months(r.dxToLlmDays())),
            flag(r.synchronous()),
            flag(r.primaryResectionToLlmGe12()),
            r.largestLlmCm() == null ? "" : String.format(Locale.ROOT, "%.1f", r.largestLlmCm()),
            flag(r.largestLlmLt5cm()),
            r.llmCount() == null ? "" : String.valueOf(r.llmCount()),
            flag(r.multipleLlm()),
            flag(r.neoadjuvantChemo()),
            text(r.chemoResponse()),
            flag(r.majorHepatectomy()),
            flag(r.rfa()),
            months(r.osMonths()),
            r.osEvent() ? "1" : "0",
            months(r.rfsMonths()),
            r.rfsEvent() ? "1" : "0",
            text(r.recurrencePattern()));
      }
    }
  }

  private static String flag(Boolean value) {
    return value == null ? "" : value ? "1" : "0";
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  /** Months to 4 decimals: a day is 0.033 months, so a day's resolution survives the rounding. */
  private static String months(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
