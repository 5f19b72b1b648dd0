package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.source.PatientRecord;

/** The map stage on rendered charts: the case table says what the record must be. */
class CohortMapperTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ProfileValidator VALIDATOR = ProfileValidator.shared(FHIR);
  private static final RoleClassifier CLASSIFIER = RoleClassifier.from(VALIDATOR.profiles());
  private static final LocalDate CUTOFF = LocalDate.of(2024, 12, 31);

  private static CaseRow row(LocalDate death, LocalDate lastContact) {
    return new CaseRow(
        "t1", "female", LocalDate.of(1950, 6, 15), "C54.2", LocalDate.of(2008, 2, 11), LocalDate.of(2008, 3, 20), "R0",
        LocalDate.of(2010, 6, 2), 2, "3.1 cm", null, null, LocalDate.of(2010, 11, 15), "minor", null,
        LocalDate.of(2011, 9, 1), List.of("lung"), death, lastContact);
  }

  private static MappingOutcome map(List<Resource> chart) {
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
      } else {
        observations.add((Observation) resource);
      }
    }
    PatientRecord record = new PatientRecord("t1", patient, conditions, procedures, observations);
    return new CohortMapper(CLASSIFIER, CUTOFF).map(new ConformanceReview(CLASSIFIER, VALIDATOR).review(record));
  }

  private static List<Resource> render(CaseRow row) {
    return new ArrayList<>(new CaseRenderer(Flavor.MCODE).resources(row));
  }

  private static <T extends Resource> T find(List<Resource> chart, String idSuffix, Class<T> type) {
    return chart.stream()
        .filter(r -> r.getIdElement().getIdPart().endsWith(idSuffix))
        .map(type::cast)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDeathGivesTheOsEventAndTheDaysFromTheHepaticResection() {
    MappingOutcome outcome = map(render(row(LocalDate.of(2016, 1, 10), null)));

    assertThat(outcome).isInstanceOf(MappingOutcome.Included.class);
    CaseRecord record = ((MappingOutcome.Included) outcome).record();
    assertThat(record.indexDate()).isEqualTo(LocalDate.of(2010, 11, 15));
    assertThat(record.osEvent()).isTrue();
    assertThat(record.osDays()).isEqualTo((int) ChronoUnit.DAYS.between(LocalDate.of(2010, 11, 15), LocalDate.of(2016, 1, 10)));
    assertThat(record.ageYears()).isEqualTo(60);
    assertThat(record.sex()).isEqualTo("female");
  }

  @Test
  void aLivingPatientIsCensoredAtTheLastDateSeenAlive() {
    CaseRecord record =
        ((MappingOutcome.Included) map(render(row(null, LocalDate.of(2019, 12, 1))))).record();

    assertThat(record.osEvent()).isFalse();
    assertThat(record.osDays()).isEqualTo((int) ChronoUnit.DAYS.between(LocalDate.of(2010, 11, 15), LocalDate.of(2019, 12, 1)));
  }

  @Test
  void aDeathAfterTheDataCutoffIsCensoredAtTheCutoffsLastSighting() {
    CaseRecord record = ((MappingOutcome.Included) map(render(row(LocalDate.of(2025, 6, 1), null)))).record();

    assertThat(record.osEvent()).isFalse();
  }

  @Test
  void epicsOidSpellingOfIcd10IsUnderstood() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Condition llm = find(chart, "-llm", Condition.class);
    llm.getCode().getCoding().clear();
    llm.getCode().addCoding().setSystem("urn:oid:2.16.840.1.113883.6.90").setCode("C78.7");

    assertThat(map(chart)).isInstanceOf(MappingOutcome.Included.class);
  }

  @Test
  void aResourceThatFailsItsProfileExcludesThePatientNamingResourceAndRule() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "-llm-size", Observation.class)
        .setValue(new Quantity().setValue(new BigDecimal("1.2")).setUnit("in").setSystem("http://unitsofmeasure.org").setCode("[in_i]"));

    MappingOutcome outcome = map(chart);

    assertThat(outcome).isInstanceOf(MappingOutcome.Excluded.class);
    Exclusion exclusion = ((MappingOutcome.Excluded) outcome).exclusion();
    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.INVALID_RESOURCE);
    assertThat(exclusion.resource()).isEqualTo("Observation/t1-llm-size");
    assertThat(exclusion.message()).contains("fails profile llm-tumor-size").contains("[llm-size-1]");
  }

  @Test
  void withoutAHepaticResectionThePatientIsExcludedAtTheMetastasis() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    chart.removeIf(r -> r.getIdElement().getIdPart().endsWith("-hepatectomy"));

    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.NO_HEPATIC_RESECTION);
    assertThat(exclusion.resource()).isEqualTo("Condition/t1-llm");
  }

  @Test
  void aDeathRecordedBeforeTheResectionIsAnExclusionNotANegativeSurvival() {
    Exclusion exclusion = ((MappingOutcome.Excluded) map(render(row(LocalDate.of(2009, 1, 1), null)))).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.DEATH_BEFORE_INDEX);
  }

  @Test
  void deceasedWithoutADateIsAnExclusion() {
    List<Resource> chart = render(row(null, LocalDate.of(2019, 12, 1)));
    find(chart, "t1", Patient.class).setDeceased(new BooleanType(true));

    assertThat(((MappingOutcome.Excluded) map(chart)).exclusion().reason()).isEqualTo(ExclusionReason.DEATH_DATE_UNKNOWN);
  }

  @Test
  void aHistologyOtherThanLeiomyosarcomaIsNoLeiomyosarcomaDiagnosis() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Condition primary = find(chart, "-primary", Condition.class);
    primary.getExtension().get(0).setValue(
        new org.hl7.fhir.r4.model.CodeableConcept(
            new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/icd-o-3", "8850/3", "Liposarcoma")));

    MappingOutcome outcome = map(chart);

    // The validator already refuses the histology (required binding), which names the rule.
    assertThat(((MappingOutcome.Excluded) outcome).exclusion().message()).contains("llm-histology");
  }

  @Test
  void anOnsetGivenAsAPeriodWithOnlyAnEndStillDatesTheMetastasis() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Condition llm = find(chart, "-llm", Condition.class);
    org.hl7.fhir.r4.model.Period period = new org.hl7.fhir.r4.model.Period();
    period.setEndElement(new DateTimeType("2010-06-02"));
    llm.setOnset(period);

    assertThat(map(chart)).isInstanceOf(MappingOutcome.Included.class);
  }
}
