package org.llmfhiradapter.conformance;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.PatientRecord;

/**
 * Finds the resources whose own status says they do not count, before anything is validated: a
 * Condition entered in error or refuted, a Procedure that was not done (entered-in-error, not-done,
 * preparation, on-hold, unknown), an Observation entered in error or cancelled, and a preliminary
 * Observation once a final one of the same role, about the same thing, exists. Charts keep such
 * records beside the good ones (a duplicate surgery entered in error, a suspected metastasis later
 * refuted); they are set aside and counted, never a reason to drop the patient (docs/decisions.md).
 */
final class StatusScreen {

  /**
   * A preliminary and a final result this many days apart are the same report (pathology sign-out
   * lag).
   */
  static final int SUPERSEDED_WITHIN_DAYS = 30;

  private static final Set<String> VOID_VERIFICATION = Set.of("entered-in-error", "refuted");
  private static final Set<Procedure.ProcedureStatus> DONE =
      Set.of(
          Procedure.ProcedureStatus.COMPLETED,
          Procedure.ProcedureStatus.INPROGRESS,
          Procedure.ProcedureStatus.STOPPED);
  private static final Set<Observation.ObservationStatus> VOID_OBSERVATION =
      Set.of(Observation.ObservationStatus.ENTEREDINERROR, Observation.ObservationStatus.CANCELLED);
  private static final Set<Observation.ObservationStatus> PRELIMINARY =
      Set.of(Observation.ObservationStatus.PRELIMINARY, Observation.ObservationStatus.REGISTERED);
  private static final Set<Observation.ObservationStatus> FINAL =
      Set.of(
          Observation.ObservationStatus.FINAL,
          Observation.ObservationStatus.AMENDED,
          Observation.ObservationStatus.CORRECTED);

  private StatusScreen() {}

  /**
   * The resources of the record that do not count, each with the status that says so (e.g. {@code
   * entered-in-error}, {@code superseded preliminary}).
   *
   * @param roles the role of each resource that has one (a preliminary result is superseded only by
   *     a final one in the same role)
   */
  static Map<Resource, String> setAside(PatientRecord record, Map<Resource, ResourceRole> roles) {
    Map<Resource, String> setAside = new IdentityHashMap<>();
    for (Condition condition : record.conditions()) {
      for (Coding coding : condition.getVerificationStatus().getCoding()) {
        if (coding.getCode() != null && VOID_VERIFICATION.contains(coding.getCode())) {
          setAside.put(condition, coding.getCode());
        }
      }
    }
    for (Procedure procedure : record.procedures()) {
      if (procedure.getStatus() == null || !DONE.contains(procedure.getStatus())) {
        setAside.put(
            procedure,
            procedure.getStatus() == null ? "no status" : procedure.getStatus().toCode());
      }
    }
    for (Observation observation : record.observations()) {
      Observation.ObservationStatus status = observation.getStatus();
      if (status != null && VOID_OBSERVATION.contains(status)) {
        setAside.put(observation, status.toCode());
      } else if (status != null
          && PRELIMINARY.contains(status)
          && hasFinal(observation, record.observations(), roles)) {
        setAside.put(observation, "superseded " + observation.getStatus().toCode());
      }
    }
    return setAside;
  }

  private static boolean hasFinal(
      Observation preliminary, List<Observation> all, Map<Resource, ResourceRole> roles) {
    ResourceRole role = roles.get(preliminary);
    if (role == null) {
      return false;
    }
    LocalDate date = ClinicalDates.of(preliminary);
    for (Observation other : all) {
      boolean isFinal = other.getStatus() != null && FINAL.contains(other.getStatus());
      if (other != preliminary
          && isFinal
          && roles.get(other) == role
          && focus(other).equals(focus(preliminary))
          && near(ClinicalDates.of(other), date)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> focus(Observation observation) {
    Set<String> focus = new TreeSet<>();
    for (Reference reference : observation.getFocus()) {
      if (reference.hasReference()) {
        focus.add(reference.getReference());
      }
    }
    return focus;
  }

  private static boolean near(LocalDate a, LocalDate b) {
    return a == null
        || b == null
        || Math.abs(ChronoUnit.DAYS.between(a, b)) <= SUPERSEDED_WITHIN_DAYS;
  }
}
