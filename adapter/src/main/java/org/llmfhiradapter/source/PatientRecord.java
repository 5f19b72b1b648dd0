package org.llmfhiradapter.source;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * Everything pulled for one patient: the Patient and its Conditions, Procedures and Observations,
 * as the server sent them (not yet normalized).
 *
 * @param patientId the server's logical id of the Patient (never logged)
 * @param unreadable the requests of this record whose answer was not readable FHIR (after the
 *     retries), each as one line saying which request and what was wrong; such a record is
 *     incomplete
 */
public record PatientRecord(
    String patientId,
    Patient patient,
    List<Condition> conditions,
    List<Procedure> procedures,
    List<Observation> observations,
    List<String> unreadable) {

  public PatientRecord {
    conditions = List.copyOf(conditions);
    procedures = List.copyOf(procedures);
    observations = List.copyOf(observations);
    unreadable = List.copyOf(unreadable);
  }

  /** A record whose every request was answered readably. */
  public PatientRecord(
      String patientId,
      Patient patient,
      List<Condition> conditions,
      List<Procedure> procedures,
      List<Observation> observations) {
    this(patientId, patient, conditions, procedures, observations, List.of());
  }

  /**
   * The record of a chart given as one list of resources (a Bundle's entries, a rendered case): the
   * Patient, and its Conditions, Procedures and Observations in the order given; other resource
   * types are left out.
   */
  public static PatientRecord of(String patientId, List<? extends Resource> chart) {
    Patient patient = null;
    List<Condition> conditions = new ArrayList<>();
    List<Procedure> procedures = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    for (Resource resource : chart) {
      if (resource instanceof Patient p) {
        patient = p;
      } else if (resource instanceof Condition c) {
        conditions.add(c);
      } else if (resource instanceof Procedure p) {
        procedures.add(p);
      } else if (resource instanceof Observation o) {
        observations.add(o);
      }
    }
    return new PatientRecord(patientId, patient, conditions, procedures, observations);
  }

  /** Every Condition, Procedure and Observation, in that order (the Patient aside). */
  public List<Resource> clinicalResources() {
    List<Resource> all = new ArrayList<>(conditions);
    all.addAll(procedures);
    all.addAll(observations);
    return all;
  }

  /** Number of resources in the record, the Patient included. */
  public int resourceCount() {
    return 1 + conditions.size() + procedures.size() + observations.size();
  }
}
