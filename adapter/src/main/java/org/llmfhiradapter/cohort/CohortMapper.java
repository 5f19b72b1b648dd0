package org.llmfhiradapter.cohort;

import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.llmfhiradapter.cohort.ClassifiedChart.Fact;
import org.llmfhiradapter.conformance.ProfilePackage;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.ReviewedRecord;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.source.PatientRecord;

/**
 * The map stage: one patient's reviewed resources → a {@link CaseRecord} with every study variable, or an
 * {@link Exclusion} naming the rule, the resource and what to fix. The choices the data leaves open are
 * recorded in {@code docs/decisions.md}; the reading of the individual variables is in {@link StudyVariables}.
 */
public final class CohortMapper {

  /**
   * A hepatic resection counts as the LLM resection when performed no earlier than this many days before the
   * liver-metastasis diagnosis date: EHRs often date that diagnosis from the pathology of the resection itself.
   */
  static final int RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS = 30;

  static final String HISTOLOGY_EXTENSION = ProfilePackage.CANONICAL + "/StructureDefinition/llm-histology-morphology-behavior";

  private final RoleClassifier classifier;
  private final LocalDate dataCutoff;

  public CohortMapper(RoleClassifier classifier, LocalDate dataCutoff) {
    this.classifier = classifier;
    this.dataCutoff = dataCutoff;
  }

  public MappingOutcome map(ReviewedRecord reviewed) {
    PatientRecord record = reviewed.record();
    List<ResourceFinding> warnings = reviewed.warnings();
    List<ResourceFinding> errors = reviewed.errors();
    if (!errors.isEmpty()) {
      ResourceFinding first = errors.get(0);
      String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more errors)" : "";
      return new MappingOutcome.Excluded(
          new Exclusion(record.patientId(), ExclusionReason.INVALID_RESOURCE, first.resource(), first.describe() + more),
          warnings);
    }
    return map(record, ClassifiedChart.of(reviewed)).withWarnings(warnings);
  }

  private MappingOutcome map(PatientRecord record, ClassifiedChart chart) {
    Patient patient = record.patient();
    String patientRef = "Patient/" + record.patientId();

    LocalDate birthDate = patient.hasBirthDateElement() ? ClinicalDates.of(patient.getBirthDateElement()) : null;
    if (birthDate == null) {
      return excluded(record, ExclusionReason.NO_BIRTH_DATE, patientRef,
          "Patient.birthDate is missing or less precise than a day; age at resection needs it");
    }
    List<Fact> primaries = chart.facts(ResourceRole.PRIMARY_LEIOMYOSARCOMA);
    if (primaries.isEmpty()) {
      return excluded(record, ExclusionReason.NO_LEIOMYOSARCOMA, patientRef,
          "no Condition coded as a primary soft-tissue or uterine malignancy (ValueSet"
              + " llm-primary-leiomyosarcoma-codes); add the primary diagnosis or check its coding");
    }
    if (primaries.stream().noneMatch(this::leiomyosarcomaHistology)) {
      return excluded(record, ExclusionReason.NO_LEIOMYOSARCOMA, primaries.get(0).reference(),
          "the primary tumor's histology is not leiomyosarcoma (ValueSet llm-histology-codes: ICD-O-3 8890/3,"
              + " 8891/3, 8896/3)");
    }
    Optional<Fact> llm = chart.facts(ResourceRole.LIVER_METASTASIS).stream().filter(f -> f.date() != null).findFirst();
    if (llm.isEmpty()) {
      return excluded(record, ExclusionReason.NO_LIVER_METASTASIS, patientRef,
          "no liver-metastasis Condition (ValueSet llm-liver-metastasis-codes) with an onset date to the day");
    }
    LocalDate llmDate = llm.get().date();
    LocalDate earliestResection = llmDate.minusDays(RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS);
    Optional<Fact> resection =
        chart.facts(ResourceRole.HEPATIC_RESECTION).stream()
            .filter(f -> f.date() != null && !f.date().isBefore(earliestResection))
            .findFirst();
    if (resection.isEmpty()) {
      return excluded(record, ExclusionReason.NO_HEPATIC_RESECTION, llm.get().reference(),
          "no completed hepatic resection Procedure (ValueSet llm-hepatic-resection-codes) dated on or after the"
              + " liver-metastasis diagnosis (" + RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS + " days' grace)");
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
          "the primary resection has residual-tumor results that disagree (" + variables.marginValues()
              + "); correct or retract the wrong one");
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
   * A primary counts as leiomyosarcoma unless its histology (the mCODE-style histology extension) says
   * otherwise: EHR problem lists carry the site code and rarely the morphology (docs/decisions.md).
   */
  private boolean leiomyosarcomaHistology(Fact primary) {
    Extension histology = ((Condition) primary.resource()).getExtensionByUrl(HISTOLOGY_EXTENSION);
    if (histology == null || !(histology.getValue() instanceof CodeableConcept morphology)) {
      return true;
    }
    return classifier.inValueSet("llm-histology-codes", morphology);
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

  private static MappingOutcome excluded(PatientRecord record, ExclusionReason reason, String resource, String message) {
    return new MappingOutcome.Excluded(new Exclusion(record.patientId(), reason, resource, message), List.of());
  }
}
