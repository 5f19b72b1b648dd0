package org.llmfhiradapter.cohort;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Type;

/**
 * Reads a calendar date off FHIR's date choices. A date is the day as written in the resource (its own time
 * zone), so that a surgery at 23:30 local time is not moved to the next day. Dates less precise than a day
 * (year or year-month) are unknown: a survival time in days cannot be computed from them. A Period gives its
 * start, or its end when the start is absent (Epic sends such periods).
 */
final class ClinicalDates {

  private ClinicalDates() {}

  static LocalDate of(Type value) {
    if (value instanceof BaseDateTimeType dateTime) {
      return of(dateTime);
    }
    if (value instanceof Period period) {
      LocalDate start = of(period.getStartElement());
      return start != null ? start : of(period.getEndElement());
    }
    return null;
  }

  static LocalDate of(BaseDateTimeType value) {
    if (value == null || !value.hasValue() || value.getPrecision() == null) {
      return null;
    }
    if (value.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
      return null;
    }
    String text = value.getValueAsString();
    return text == null || text.length() < 10 ? null : LocalDate.parse(text.substring(0, 10));
  }
}
