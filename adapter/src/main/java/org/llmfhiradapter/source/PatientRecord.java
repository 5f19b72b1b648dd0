package org.llmfhiradapter.source;

import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;

/**
 * Everything pulled for one patient: the Patient and its Conditions, Procedures and Observations, as the
 * server sent them (not yet normalized).
 *
 * @param patientId the server's logical id of the Patient (never logged)
 */
public record PatientRecord(
    String patientId,
    Patient patient,
    List<Condition> conditions,
    List<Procedure> procedures,
    List<Observation> observations) {

  public PatientRecord {
    conditions = List.copyOf(conditions);
    procedures = List.copyOf(procedures);
    observations = List.copyOf(observations);
  }

  /** Number of resources in the record, the Patient included. */
  public int resourceCount() {
    return 1 + conditions.size() + procedures.size() + observations.size();
  }
}
