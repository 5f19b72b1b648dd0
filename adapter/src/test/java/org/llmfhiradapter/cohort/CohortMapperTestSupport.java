package org.llmfhiradapter.cohort;

/** Small helpers for tests of the map stage. */
final class CohortMapperTestSupport {

  private CohortMapperTestSupport() {}

  static String patientId(MappingOutcome outcome) {
    return outcome instanceof MappingOutcome.Included in
        ? in.record().patientId()
        : ((MappingOutcome.Excluded) outcome).exclusion().patientId();
  }
}
