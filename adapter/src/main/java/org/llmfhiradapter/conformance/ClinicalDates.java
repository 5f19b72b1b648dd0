package org.llmfhiradapter.conformance;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Type;

/**
 * Reads a calendar date off FHIR's date choices. A date is the day as written in the resource (its
 * own time zone), so that a surgery at 23:30 local time is not moved to the next day. Dates less
 * precise than a day (year or year-month) are unknown: a survival time in days cannot be computed
 * from them. A Period gives its start, or its end when the start is absent (Epic sends such
 * periods).
 */
public final class ClinicalDates {

  private ClinicalDates() {}

  /**
   * The day a Condition dates: its onset; without any onset[x], the day it was recorded (problem
   * lists often carry only that, docs/decisions.md). An onset that is given but less precise than a
   * day stays unknown: the chart says the disease began earlier than its recording.
   */
  public static LocalDate of(Condition condition) {
    if (condition.hasOnset()) {
      return of(condition.getOnset());
    }
    return of(condition.getRecordedDateElement());
  }

  /** Whether the Condition is dated by its recordedDate because it has no onset[x]. */
  public static boolean byRecordedDate(Condition condition) {
    return !condition.hasOnset() && of(condition.getRecordedDateElement()) != null;
  }

  /** The day a Procedure was performed (a Period's start, else its end). */
  public static LocalDate of(Procedure procedure) {
    return of(procedure.getPerformed());
  }

  /**
   * The day an Observation is about: effective[x], else the day it was issued (Epic sends some so).
   */
  public static LocalDate of(Observation observation) {
    LocalDate effective = of(observation.getEffective());
    return effective != null ? effective : of(observation.getIssuedElement());
  }

  public static LocalDate of(Type value) {
    if (value instanceof BaseDateTimeType dateTime) {
      return of(dateTime);
    }
    if (value instanceof Period period) {
      LocalDate start = of(period.getStartElement());
      return start != null ? start : of(period.getEndElement());
    }
    return null;
  }

  public static LocalDate of(BaseDateTimeType value) {
    // A value the parser kept as written but could not read (2001-02-30, "yesterday") has no date.
    if (value == null
        || !value.hasValue()
        || value.getValue() == null
        || value.getPrecision() == null) {
      return null;
    }
    if (value.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
      return null;
    }
    String text = value.getValueAsString();
    return text == null || text.length() < 10 ? null : LocalDate.parse(text.substring(0, 10));
  }
}
