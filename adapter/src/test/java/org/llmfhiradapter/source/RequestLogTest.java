package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A request as the DEBUG log shows it: what was asked of which type, never whom it was about. */
class RequestLogTest {

  private final RequestLog log = new RequestLog("https://ehr.example.org/api/FHIR/R4");

  @Test
  void aSearchShowsItsTypeAndParameterNamesButNoValueThatNamesAPatient() {
    assertThat(
            log.shape(
                "https://ehr.example.org/api/FHIR/R4/Observation?patient=e63wRTbPfr1p8UW81d8Seiw3"
                    + "&code=http%3A%2F%2Floinc.org%7C21907-1&_count=100"))
        .isEqualTo("Observation?patient&code&_count=100");
  }

  @Test
  void aReadShowsTheTypeAndNotTheId() {
    assertThat(log.shape("https://ehr.example.org/api/FHIR/R4/Patient/e63wRTbPfr1p8UW81d8Seiw3"))
        .isEqualTo("Patient/[id]");
    assertThat(
            log.shape(
                "https://ehr.example.org/api/FHIR/R4/Group/abc/$export?_type=Patient,Condition"))
        .isEqualTo("Group/[id]/$export?_type=Patient,Condition");
  }

  @Test
  void aNextPageIsNamedAsSuchWithoutItsPagingToken() {
    assertThat(
            log.shape(
                "https://ehr.example.org/api/FHIR/R4?_getpages=3f2a-9b&_getpagesoffset=50&_count=50"))
        .isEqualTo("(base)?(next page)&_count=50");
  }

  @Test
  void aUrlOnAnotherOriginShowsOnlyThatOrigin() {
    assertThat(log.shape("https://files.example.net/exports/job-17/Patient.ndjson?sig=secret"))
        .isEqualTo("https://files.example.net/(path not shown)");
  }
}
