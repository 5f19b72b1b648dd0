package org.llmfhiradapter.cohort;

import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.cohort.ClassifiedChart.Fact;
import org.llmfhiradapter.conformance.ClinicalDates;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.ReviewedRecord;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.source.PatientRecord;

/**
 * The map stage: one patient's reviewed resources → a {@link CaseRecord} with every study variable, or an
 * {@link Exclusion} naming the rule, the resource and what to fix. The choices the data leaves open are
 * recorded in {@code docs/decisions.md}; the reading of the individual variables is in {@link StudyVariables}.
 *
 * <p>The most specific reason wins: a missing birth date is {@code no-birth-date}, a primary of another
 * histology {@code no-leiomyosarcoma-diagnosis}, even though the validator also objects. A resource that fails
 * its profile excludes the patient only when the record needs it: when no usable resource of its role is left,
 * or when no usable one stands in for it (same role, same date). Otherwise it is left out and its findings go
 * to data quality.
 */
public final class CohortMapper {

  /**
   * A hepatic resection counts as the LLM resection when performed no earlier than this many days before the
   * liver-metastasis diagnosis date: EHRs often date that diagnosis from the pathology of the resection itself.
   */
  static final int RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS = 30;

  private final RoleClassifier classifier;
  private final LocalDate dataCutoff;

  public CohortMapper(RoleClassifier classifier, LocalDate dataCutoff) {
    this.classifier = classifier;
    this.dataCutoff = dataCutoff;
  }

  public MappingOutcome map(ReviewedRecord reviewed) {
    ClassifiedChart chart = ClassifiedChart.of(reviewed);
    List<ResourceFinding> warnings = new ArrayList<>(reviewed.warnings());
    MappingOutcome outcome = map(reviewed, chart);
    if (outcome instanceof MappingOutcome.Included) {
      // The unusable resources the record could do without: their errors are data-quality findings now.
      chart.unusable().forEach(fact -> warnings.addAll(reviewed.errors(fact.resource())));
    }
    return outcome.withWarnings(warnings);
  }

  private MappingOutcome map(ReviewedRecord reviewed, ClassifiedChart chart) {
    PatientRecord record = reviewed.record();
    Patient patient = record.patient();
    String patientRef = "Patient/" + record.patientId();

    LocalDate birthDate = patient.hasBirthDateElement() ? ClinicalDates.of(patient.getBirthDateElement()) : null;
    if (birthDate == null) {
      return excluded(record, ExclusionReason.NO_BIRTH_DATE, patientRef,
          "Patient.birthDate is missing or less precise than a day; age at resection needs it");
    }
    List<ResourceFinding> patientErrors = reviewed.errors(patient);
    if (!patientErrors.isEmpty()) {
      return invalid(record, patientErrors);
    }
    if (chart.facts(ResourceRole.PRIMARY_LEIOMYOSARCOMA).isEmpty()) {
      return unusableOr(reviewed, chart, ResourceRole.PRIMARY_LEIOMYOSARCOMA)
          .orElseGet(() -> noLeiomyosarcoma(reviewed, patientRef));
    }
    Optional<Fact> llm = chart.facts(ResourceRole.LIVER_METASTASIS).stream().filter(f -> f.date() != null).findFirst();
    if (llm.isEmpty()) {
      return unusableOr(reviewed, chart, ResourceRole.LIVER_METASTASIS)
          .orElseGet(() -> excluded(record, ExclusionReason.NO_LIVER_METASTASIS, patientRef,
              "no liver-metastasis Condition (ValueSet llm-liver-metastasis-codes) with an onset (or, without one,"
                  + " a recorded date) to the day" + setAsideNote(reviewed, ResourceRole.LIVER_METASTASIS)));
    }
    LocalDate llmDate = llm.get().date();
    LocalDate earliestResection = llmDate.minusDays(RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS);
    Optional<Fact> resection =
        chart.facts(ResourceRole.HEPATIC_RESECTION).stream()
            .filter(f -> f.date() != null && !f.date().isBefore(earliestResection))
            .findFirst();
    if (resection.isEmpty()) {
      return unusableOr(reviewed, chart, ResourceRole.HEPATIC_RESECTION)
          .orElseGet(() -> excluded(record, ExclusionReason.NO_HEPATIC_RESECTION, llm.get().reference(),
              "no completed hepatic resection Procedure (ValueSet llm-hepatic-resection-codes) dated on or after the"
                  + " liver-metastasis diagnosis (" + RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS + " days' grace)"
                  + setAsideNote(reviewed, ResourceRole.HEPATIC_RESECTION)));
    }
    LocalDate index = resection.get().date();

    if (patient.getDeceased() instanceof BooleanType deceased && deceased.booleanValue()) {
      return excluded(record, ExclusionReason.DEATH_DATE_UNKNOWN, patientRef,
          "Patient.deceasedBoolean is true but no date of death is recorded; overall survival needs the date"
              + " (Patient.deceasedDateTime)");
    }
    LocalDate death = null;
    if (patient.getDeceased() instanceof DateTimeType deceasedAt) {
      death = ClinicalDates.of(deceasedAt);
      if (death == null) {
        return excluded(record, ExclusionReason.DEATH_DATE_UNKNOWN, patientRef,
            "Patient.deceasedDateTime is less precise than a day; overall survival needs the day of death");
      }
      if (death.isBefore(index)) {
        return excluded(record, ExclusionReason.DEATH_BEFORE_INDEX, patientRef,
            "Patient.deceasedDateTime is before the hepatic resection " + resection.get().reference()
                + "; one of the two dates is wrong");
      }
    }

    StudyVariables variables = new StudyVariables(chart, classifier, llm.get(), resection.get());
    Optional<Fact> conflict = variables.conflictingMargin();
    if (conflict.isPresent()) {
      return excluded(record, ExclusionReason.CONFLICTING_MARGINS, conflict.get().reference(),
          "the last resection of the primary has residual-tumor results that disagree (" + variables.marginValues()
              + "); correct or retract the wrong one");
    }
    Optional<Fact> needed = chart.unusable().stream().filter(fact -> !standsIn(chart, fact)).findFirst();
    if (needed.isPresent()) {
      return invalid(record, reviewed.errors(needed.get().resource()));
    }

    boolean died = death != null && !death.isAfter(dataCutoff);
    LocalDate lastAlive = lastKnownAlive(chart.allDates(), index);
    LocalDate osEnd = died ? death : lastAlive;
    Optional<LocalDate> recurrence = variables.firstRecurrence(index).filter(d -> !d.isAfter(dataCutoff));
    LocalDate rfsEnd = recurrence.orElse(osEnd);
    if (died && rfsEnd.isAfter(death)) {
      rfsEnd = death;
    }
    boolean rfsEvent = recurrence.isPresent() || died;

    String sex = patient.hasGender() ? patient.getGender().toCode() : null;
    return new MappingOutcome.Included(
        new CaseRecord(
            record.patientId(),
            sex,
            Period.between(birthDate, index).getYears(),
            index,
            variables.primaryR0(),
            variables.days(variables.primaryDiagnosis(), llmDate),
            variables.days(variables.primaryResection(), llmDate),
            variables.largestLlmCm(index),
            variables.llmCount(index),
            variables.neoadjuvantChemo(index),
            variables.chemoResponse(index),
            variables.majorHepatectomy(),
            variables.rfa(index),
            (int) ChronoUnit.DAYS.between(index, osEnd),
            died,
            (int) ChronoUnit.DAYS.between(index, rfsEnd),
            rfsEvent,
            variables.recurrencePattern(index)),
        List.of());
  }

  /**
   * A usable resource stands in for an unusable one when it says the same thing: same role, same date (a
   * duplicate entry, a repeated diagnosis). Anything else the record might read differently without it.
   */
  private static boolean standsIn(ClassifiedChart chart, Fact unusable) {
    return unusable.date() != null
        && chart.facts(unusable.role()).stream().anyMatch(f -> unusable.date().equals(f.date()));
  }

  /** When a role has no usable resource but an unusable one, that resource is what to fix. */
  private static Optional<MappingOutcome> unusableOr(ReviewedRecord reviewed, ClassifiedChart chart, ResourceRole role) {
    return chart.unusable(role).stream().findFirst().map(f -> invalid(reviewed.record(), reviewed.errors(f.resource())));
  }

  /**
   * No primary that counts as a leiomyosarcoma: say which Condition came closest and why it does not count,
   * so that the person fixing the chart knows where to look.
   */
  private MappingOutcome noLeiomyosarcoma(ReviewedRecord reviewed, String patientRef) {
    PatientRecord record = reviewed.record();
    for (Condition condition : record.conditions()) {
      if (reviewed.isSetAside(condition)
          || !classifier.contains(ResourceRole.PRIMARY_LEIOMYOSARCOMA, condition.getCode())
          || RoleClassifier.isRecurrence(condition)) {
        continue;
      }
      String reference = ResourceFinding.reference(condition);
      Optional<CodeableConcept> histology = RoleClassifier.histology(condition);
      if (histology.isPresent()) {
        return excluded(record, ExclusionReason.NO_LEIOMYOSARCOMA, reference,
            "the primary tumor's histology (" + codes(histology.get()) + ") is not a leiomyosarcoma (ValueSet"
                + " llm-histology-codes: ICD-O-3 8890/3-8896/3)");
      }
      return excluded(record, ExclusionReason.NO_LEIOMYOSARCOMA, reference,
          "the primary is coded by a site where leiomyosarcoma is rare (" + codes(condition.getCode()) + "); it counts"
              + " as a leiomyosarcoma only with its histology: add extension llm-histology-morphology-behavior"
              + " (ICD-O-3 8890/3-8896/3)");
    }
    return excluded(record, ExclusionReason.NO_LEIOMYOSARCOMA, patientRef,
        "no Condition coded as a primary soft-tissue or uterine malignancy, or as a leiomyosarcoma of another site"
            + " (ValueSet llm-primary-leiomyosarcoma-codes); add the primary diagnosis or check its coding"
            + setAsideNote(reviewed, ResourceRole.PRIMARY_LEIOMYOSARCOMA));
  }

  /** The resources of a role that were set aside by their status, for a message: " (Type/id: status; ...)". */
  private static String setAsideNote(ReviewedRecord reviewed, ResourceRole role) {
    String notes =
        reviewed.record().clinicalResources().stream()
            .filter(r -> reviewed.roleSetAside(r).filter(role::equals).isPresent())
            .map(r -> ResourceFinding.reference(r) + " is " + reviewed.setAsideStatus(r).orElseThrow())
            .collect(Collectors.joining("; "));
    return notes.isEmpty() ? "" : " (set aside: " + notes + ")";
  }

  private static String codes(CodeableConcept concept) {
    String codes = concept.getCoding().stream().map(Coding::getCode).filter(c -> c != null).collect(Collectors.joining(", "));
    return codes.isEmpty() ? "no code" : codes;
  }

  /** The latest clinical date in the chart, no later than the data cut-off and no earlier than the index. */
  private LocalDate lastKnownAlive(List<LocalDate> dates, LocalDate index) {
    LocalDate last = index;
    for (LocalDate date : dates) {
      if (date.isAfter(last) && !date.isAfter(dataCutoff)) {
        last = date;
      }
    }
    return last;
  }

  private static MappingOutcome invalid(PatientRecord record, List<ResourceFinding> errors) {
    ResourceFinding first = errors.get(0);
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more errors)" : "";
    return excluded(record, ExclusionReason.INVALID_RESOURCE, first.resource(), first.describe() + more);
  }

  private static MappingOutcome excluded(PatientRecord record, ExclusionReason reason, String resource, String message) {
    return new MappingOutcome.Excluded(new Exclusion(record.patientId(), reason, resource, message), List.of());
  }
}
