package org.llmfhiradapter.cohort;

import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Patient;
import org.llmfhiradapter.cohort.ClassifiedChart.Fact;
import org.llmfhiradapter.conformance.ClinicalDates;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.ReviewedRecord;
import org.llmfhiradapter.conformance.RoleClassifier;

/**
 * The map stage: one patient's reviewed resources → a {@link CaseRecord} with every study variable,
 * or an {@link Exclusion} naming the rule, the resource and what to fix. The choices the data
 * leaves open are recorded in {@code docs/decisions.md}; the reading of the individual variables is
 * in {@link StudyVariables}.
 *
 * <p>The most specific reason wins: a missing birth date is {@code no-birth-date}, a primary of
 * another histology {@code no-leiomyosarcoma-diagnosis}, even though the validator also objects. A
 * resource that fails its profile excludes the patient only when the record needs it: when no
 * usable resource of its role is left, or when no usable one stands in for it (same role, same
 * date). Otherwise it is left out and its findings go to data quality.
 */
public final class CohortMapper {

  /**
   * A hepatic resection counts as the LLM resection when performed no earlier than this many days
   * before the liver-metastasis diagnosis date: EHRs often date that diagnosis from the pathology
   * of the resection itself.
   */
  static final int RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS = 30;

  /**
   * Older than this at the resection is a wrong birth date, not a patient (the oldest people live
   * to ~120).
   */
  static final int MAX_AGE_YEARS = 120;

  /**
   * A day as the validator quotes it (with any time after it): exclusions.csv holds no patient's
   * date.
   */
  private static final Pattern DATES = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[0-9T:.+\\-Z]*");

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
      // The unusable resources the record could do without: their errors are data-quality findings
      // now.
      chart.unusable().forEach(fact -> warnings.addAll(reviewed.errors(fact.resource())));
    }
    return outcome.withWarnings(warnings);
  }

  private MappingOutcome map(ReviewedRecord reviewed, ClassifiedChart chart) {
    Patient patient = reviewed.patient();
    String patientRef = "Patient/" + reviewed.patientId();

    if (!reviewed.unreadable().isEmpty()) {
      // Part of the record never arrived as readable FHIR: whatever it held is unknown.
      return excluded(
          reviewed,
          ExclusionReason.INVALID_RESOURCE,
          patientRef,
          DATES.matcher(reviewed.unreadable().get(0)).replaceAll("(a date)")
              + "; the patient's record is incomplete"
              + (reviewed.unreadable().size() > 1
                  ? " (and " + (reviewed.unreadable().size() - 1) + " more requests)"
                  : ""));
    }
    LocalDate birthDate =
        patient.hasBirthDateElement() ? ClinicalDates.of(patient.getBirthDateElement()) : null;
    if (birthDate == null) {
      return excluded(
          reviewed,
          ExclusionReason.NO_BIRTH_DATE,
          patientRef,
          "Patient.birthDate is missing, not a valid date, or less precise than a day; age at resection needs it");
    }
    Optional<MappingOutcome> implausible = implausibleDates(reviewed, patient, birthDate, chart);
    if (implausible.isPresent()) {
      return implausible.get();
    }
    List<ResourceFinding> patientErrors = reviewed.errors(patient);
    if (!patientErrors.isEmpty()) {
      return invalid(reviewed, patientErrors);
    }
    // Before anything is read off the chart: with a resource it needs unusable, every later reading
    // (which liver metastasis dates the diagnosis, which resection is the index) could be the wrong
    // one.
    Optional<Fact> needed =
        chart.unusable().stream().filter(fact -> !standsIn(chart, fact)).findFirst();
    if (needed.isPresent()) {
      return invalid(reviewed, reviewed.errors(needed.get().resource()));
    }
    if (chart.facts(ResourceRole.PRIMARY_LEIOMYOSARCOMA).isEmpty()) {
      return noLeiomyosarcoma(reviewed, patientRef);
    }
    Optional<Fact> llm =
        chart.facts(ResourceRole.LIVER_METASTASIS).stream()
            .filter(f -> f.date() != null)
            .findFirst();
    if (llm.isEmpty()) {
      return excluded(
          reviewed,
          ExclusionReason.NO_LIVER_METASTASIS,
          patientRef,
          "no liver-metastasis Condition (ValueSet llm-liver-metastasis-codes) with an onset (or, without one,"
              + " a recorded date) to the day"
              + setAsideNote(reviewed, ResourceRole.LIVER_METASTASIS));
    }
    LocalDate llmDate = llm.get().date();
    LocalDate earliestResection = llmDate.minusDays(RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS);
    Optional<Fact> resection =
        chart.facts(ResourceRole.HEPATIC_RESECTION).stream()
            .filter(f -> f.date() != null && !f.date().isBefore(earliestResection))
            .findFirst();
    if (resection.isEmpty()) {
      return excluded(
          reviewed,
          ExclusionReason.NO_HEPATIC_RESECTION,
          llm.get().reference(),
          "no completed hepatic resection Procedure (ValueSet llm-hepatic-resection-codes) dated on or after the"
              + " liver-metastasis diagnosis ("
              + RESECTION_BEFORE_DIAGNOSIS_GRACE_DAYS
              + " days' grace)"
              + setAsideNote(reviewed, ResourceRole.HEPATIC_RESECTION));
    }
    LocalDate index = resection.get().date();
    if (index.isAfter(dataCutoff)) {
      return excluded(
          reviewed,
          ExclusionReason.INDEX_AFTER_CUTOFF,
          resection.get().reference(),
          "the hepatic resection is dated after the data cut-off ("
              + dataCutoff
              + "): there is no follow-up to"
              + " analyse; move llm.pipeline.data-cutoff later, or check the resection's date");
    }
    if (Period.between(birthDate, index).getYears() > MAX_AGE_YEARS) {
      return excluded(
          reviewed,
          ExclusionReason.IMPLAUSIBLE_DATES,
          patientRef,
          "Patient.birthDate makes the patient older than "
              + MAX_AGE_YEARS
              + " at the hepatic resection "
              + resection.get().reference()
              + "; one of the two dates is wrong");
    }

    if (patient.getDeceased() instanceof BooleanType deceased && deceased.booleanValue()) {
      return excluded(
          reviewed,
          ExclusionReason.DEATH_DATE_UNKNOWN,
          patientRef,
          "Patient.deceasedBoolean is true but no date of death is recorded; overall survival needs the date"
              + " (Patient.deceasedDateTime)");
    }
    LocalDate death = null;
    if (patient.getDeceased() instanceof DateTimeType deceasedAt) {
      death = ClinicalDates.of(deceasedAt);
      if (death == null) {
        return excluded(
            reviewed,
            ExclusionReason.DEATH_DATE_UNKNOWN,
            patientRef,
            "Patient.deceasedDateTime is less precise than a day; overall survival needs the day of death");
      }
      if (death.isBefore(index)) {
        return excluded(
            reviewed,
            ExclusionReason.DEATH_BEFORE_INDEX,
            patientRef,
            "Patient.deceasedDateTime is before the hepatic resection "
                + resection.get().reference()
                + "; one of the two dates is wrong");
      }
    }

    StudyVariables variables = new StudyVariables(chart, classifier, llm.get(), resection.get());
    Optional<Fact> conflict = variables.conflictingMargin();
    if (conflict.isPresent()) {
      return excluded(
          reviewed,
          ExclusionReason.CONFLICTING_MARGINS,
          conflict.get().reference(),
          "the last resection of the primary has residual-tumor results that disagree ("
              + variables.marginValues()
              + "); correct or retract the wrong one");
    }

    boolean died = death != null && !death.isAfter(dataCutoff);
    LocalDate lastAlive = lastKnownAlive(chart.allDates(), index);
    LocalDate osEnd = died ? death : lastAlive;
    Optional<LocalDate> recurrence =
        variables.firstRecurrence(index).filter(d -> !d.isAfter(dataCutoff));
    LocalDate rfsEnd = recurrence.orElse(osEnd);
    if (died && rfsEnd.isAfter(death)) {
      rfsEnd = death;
    }
    boolean rfsEvent = recurrence.isPresent() || died;

    String sex = patient.hasGender() ? patient.getGender().toCode() : null;
    return new MappingOutcome.Included(
        new CaseRecord(
            reviewed.patientId(),
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
   * Dates that cannot all be true exclude the patient before anything is computed from them: a
   * birth after the data cut-off or after the chart's first clinical date, a death before the
   * birth. (An age over 120 at the resection is checked once the resection is known.)
   */
  private Optional<MappingOutcome> implausibleDates(
      ReviewedRecord reviewed, Patient patient, LocalDate birthDate, ClassifiedChart chart) {
    String patientRef = "Patient/" + reviewed.patientId();
    if (birthDate.isAfter(dataCutoff)) {
      return Optional.of(
          excluded(
              reviewed,
              ExclusionReason.IMPLAUSIBLE_DATES,
              patientRef,
              "Patient.birthDate is after the data cut-off ("
                  + dataCutoff
                  + "); check the Patient's birth date"));
    }
    Optional<ClassifiedChart.Dated> first = chart.earliest();
    if (first.isPresent() && birthDate.isAfter(first.get().date())) {
      return Optional.of(
          excluded(
              reviewed,
              ExclusionReason.IMPLAUSIBLE_DATES,
              first.get().reference(),
              "Patient.birthDate is after this resource's clinical date; one of the two dates is wrong"));
    }
    if (patient.getDeceased() instanceof DateTimeType deceasedAt) {
      LocalDate death = ClinicalDates.of(deceasedAt);
      if (death != null && death.isBefore(birthDate)) {
        return Optional.of(
            excluded(
                reviewed,
                ExclusionReason.IMPLAUSIBLE_DATES,
                patientRef,
                "Patient.deceasedDateTime is before Patient.birthDate; one of the two dates is wrong"));
      }
    }
    return Optional.empty();
  }

  /**
   * A usable resource stands in for an unusable one when it says the same thing: same role, same
   * date (a duplicate entry, a repeated diagnosis). Anything else the record might read differently
   * without it.
   */
  private static boolean standsIn(ClassifiedChart chart, Fact unusable) {
    return unusable.date() != null
        && chart.facts(unusable.role()).stream().anyMatch(f -> unusable.date().equals(f.date()));
  }

  /**
   * No primary that counts as a leiomyosarcoma: say which Condition came closest and why it does
   * not count, so that the person fixing the chart knows where to look.
   */
  private MappingOutcome noLeiomyosarcoma(ReviewedRecord reviewed, String patientRef) {
    for (Condition condition : reviewed.conditions()) {
      if (reviewed.isSetAside(condition)
          || !classifier.contains(ResourceRole.PRIMARY_LEIOMYOSARCOMA, condition.getCode())
          || RoleClassifier.isRecurrence(condition)) {
        continue;
      }
      String reference = ResourceFinding.reference(condition);
      Optional<CodeableConcept> histology = RoleClassifier.histology(condition);
      if (histology.isPresent()) {
        return excluded(
            reviewed,
            ExclusionReason.NO_LEIOMYOSARCOMA,
            reference,
            "the primary tumor's histology ("
                + codes(histology.get())
                + ") is not a leiomyosarcoma (ValueSet"
                + " llm-histology-codes: ICD-O-3 8890/3-8896/3)");
      }
      return excluded(
          reviewed,
          ExclusionReason.NO_LEIOMYOSARCOMA,
          reference,
          "the primary is coded by a site where leiomyosarcoma is rare ("
              + codes(condition.getCode())
              + "); it counts"
              + " as a leiomyosarcoma only with its histology: add extension llm-histology-morphology-behavior"
              + " (ICD-O-3 8890/3-8896/3)");
    }
    return excluded(
        reviewed,
        ExclusionReason.NO_LEIOMYOSARCOMA,
        patientRef,
        "no Condition coded as a primary soft-tissue or uterine malignancy, or as a leiomyosarcoma of another site"
            + " (ValueSet llm-primary-leiomyosarcoma-codes); add the primary diagnosis or check its coding"
            + setAsideNote(reviewed, ResourceRole.PRIMARY_LEIOMYOSARCOMA));
  }

  /**
   * The resources of a role that were set aside by their status, for a message: " (Type/id: status;
   * ...)".
   */
  private static String setAsideNote(ReviewedRecord reviewed, ResourceRole role) {
    String notes =
        reviewed.clinicalResources().stream()
            .filter(r -> reviewed.roleSetAside(r).filter(role::equals).isPresent())
            .map(
                r ->
                    ResourceFinding.reference(r)
                        + " is "
                        + reviewed.setAsideStatus(r).orElseThrow())
            .collect(Collectors.joining("; "));
    return notes.isEmpty() ? "" : " (set aside: " + notes + ")";
  }

  private static String codes(CodeableConcept concept) {
    String codes =
        concept.getCoding().stream()
            .map(Coding::getCode)
            .filter(c -> c != null)
            .collect(Collectors.joining(", "));
    return codes.isEmpty() ? "no code" : codes;
  }

  /**
   * The latest clinical date in the chart, no later than the data cut-off and no earlier than the
   * index.
   */
  private LocalDate lastKnownAlive(List<LocalDate> dates, LocalDate index) {
    LocalDate last = index;
    for (LocalDate date : dates) {
      if (date.isAfter(last) && !date.isAfter(dataCutoff)) {
        last = date;
      }
    }
    return last;
  }

  private static MappingOutcome invalid(ReviewedRecord reviewed, List<ResourceFinding> errors) {
    ResourceFinding first = errors.get(0);
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more errors)" : "";
    // The validator's message quotes the value; on the Patient that may be a birth date or a name.
    String what =
        first.resource().startsWith("Patient/")
            ? first.resource()
                + " fails profile "
                + first.profileId()
                + ": "
                + first.issue().location()
                + (first.issue().rule() == null ? "" : " [" + first.issue().rule() + "]")
            : first.describe();
    String message = DATES.matcher(what).replaceAll("(a date)") + more;
    return excluded(reviewed, ExclusionReason.INVALID_RESOURCE, first.resource(), message);
  }

  private static MappingOutcome excluded(
      ReviewedRecord reviewed, ExclusionReason reason, String resource, String message) {
    return new MappingOutcome.Excluded(
        new Exclusion(reviewed.patientId(), reason, resource, message), List.of());
  }
}
