package org.llmfhiradapter.cohort;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.ReviewedRecord;
import org.llmfhiradapter.source.PatientRecord;

/**
 * One patient's reviewed resources sorted into their roles, each with its clinical date. Resources recorded
 * in error, refuted, or not done play no role.
 */
final class ClassifiedChart {

  /** A resource in a role, with the clinical date read off it (null when it has none usable). */
  record Fact(ResourceRole role, Resource resource, LocalDate date) {
    String reference() {
      return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
  }

  private final Map<ResourceRole, List<Fact>> byRole = new EnumMap<>(ResourceRole.class);
  private final List<LocalDate> allDates = new ArrayList<>();

  static ClassifiedChart of(ReviewedRecord reviewed) {
    PatientRecord record = reviewed.record();
    ClassifiedChart chart = new ClassifiedChart();
    for (Condition condition : record.conditions()) {
      if (isVoid(condition)) {
        continue;
      }
      LocalDate onset = ClinicalDates.of(condition.getOnset());
      chart.seen(onset, ClinicalDates.of(condition.getRecordedDateElement()));
      reviewed.role(condition).ifPresent(role -> chart.add(role, condition, onset));
    }
    for (Procedure procedure : record.procedures()) {
      // Only what was done counts, for dates too: a cancelled surgery is no sign of life.
      if (procedure.getStatus() != Procedure.ProcedureStatus.COMPLETED
          && procedure.getStatus() != Procedure.ProcedureStatus.INPROGRESS
          && procedure.getStatus() != Procedure.ProcedureStatus.STOPPED) {
        continue;
      }
      LocalDate performed = ClinicalDates.of(procedure.getPerformed());
      chart.seen(performed);
      reviewed.role(procedure).ifPresent(role -> chart.add(role, procedure, performed));
    }
    for (Observation observation : record.observations()) {
      if (isVoid(observation)) {
        continue;
      }
      LocalDate effective = ClinicalDates.of(observation.getEffective());
      if (effective == null) {
        effective = ClinicalDates.of(observation.getIssuedElement());
      }
      chart.seen(effective);
      LocalDate date = effective;
      reviewed.role(observation).ifPresent(role -> chart.add(role, observation, date));
    }
    return chart;
  }

  private static boolean isVoid(Condition condition) {
    String status = condition.getVerificationStatus().getCodingFirstRep().getCode();
    return "entered-in-error".equals(status) || "refuted".equals(status);
  }

  private static boolean isVoid(Observation observation) {
    Observation.ObservationStatus status = observation.getStatus();
    return status == Observation.ObservationStatus.ENTEREDINERROR || status == Observation.ObservationStatus.CANCELLED;
  }

  private void add(ResourceRole role, Resource resource, LocalDate date) {
    byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(new Fact(role, resource, date));
  }

  private void seen(LocalDate... dates) {
    for (LocalDate date : dates) {
      if (date != null) {
        allDates.add(date);
      }
    }
  }

  /** Facts in a role, earliest first; undated ones last. */
  List<Fact> facts(ResourceRole role) {
    List<Fact> facts = new ArrayList<>(byRole.getOrDefault(role, List.of()));
    facts.sort(Comparator.comparing(Fact::date, Comparator.nullsLast(Comparator.naturalOrder())));
    return facts;
  }

  /** Every clinical date seen in the chart (onsets, recorded dates, procedures, observations). */
  List<LocalDate> allDates() {
    return allDates.stream().filter(Objects::nonNull).toList();
  }
}
