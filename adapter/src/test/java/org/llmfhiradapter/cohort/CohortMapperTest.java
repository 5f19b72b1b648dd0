package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
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
  private static final String ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";

  /** Parses as the pull does: values it cannot read are kept as written. */
  private static final IParser PARSER =
      FhirContext.forR4Cached()
          .newJsonParser()
          .setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));

  private static CaseRow row(LocalDate death, LocalDate lastContact) {
    return new CaseRow(
        "t1",
        "female",
        LocalDate.of(1950, 6, 15),
        "C54.2",
        LocalDate.of(2008, 2, 11),
        LocalDate.of(2008, 3, 20),
        "R0",
        LocalDate.of(2010, 6, 2),
        2,
        "3.1 cm",
        null,
        null,
        LocalDate.of(2010, 11, 15),
        "minor",
        null,
        LocalDate.of(2011, 9, 1),
        List.of("lung"),
        death,
        lastContact);
  }

  private static MappingOutcome map(List<Resource> chart) {
    PatientRecord record = PatientRecord.of("t1", chart);
    return new CohortMapper(CLASSIFIER, CUTOFF)
        .map(new ConformanceReview(CLASSIFIER, VALIDATOR).review(record));
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
    assertThat(record.osDays())
        .isEqualTo(
            (int) ChronoUnit.DAYS.between(LocalDate.of(2010, 11, 15), LocalDate.of(2016, 1, 10)));
    assertThat(record.ageYears()).isEqualTo(60);
    assertThat(record.sex()).isEqualTo("female");
  }

  @Test
  void aLivingPatientIsCensoredAtTheLastDateSeenAlive() {
    CaseRecord record =
        ((MappingOutcome.Included) map(render(row(null, LocalDate.of(2019, 12, 1))))).record();

    assertThat(record.osEvent()).isFalse();
    assertThat(record.osDays())
        .isEqualTo(
            (int) ChronoUnit.DAYS.between(LocalDate.of(2010, 11, 15), LocalDate.of(2019, 12, 1)));
  }

  @Test
  void aDeathAfterTheDataCutoffIsCensoredAtTheCutoffsLastSighting() {
    CaseRecord record =
        ((MappingOutcome.Included) map(render(row(LocalDate.of(2025, 6, 1), null)))).record();

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
        .setValue(
            new Quantity()
                .setValue(new BigDecimal("1.2"))
                .setUnit("in")
                .setSystem("http://unitsofmeasure.org")
                .setCode("[in_i]"));

    MappingOutcome outcome = map(chart);

    assertThat(outcome).isInstanceOf(MappingOutcome.Excluded.class);
    Exclusion exclusion = ((MappingOutcome.Excluded) outcome).exclusion();
    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.INVALID_RESOURCE);
    assertThat(exclusion.resource()).isEqualTo("Observation/t1-llm-size");
    assertThat(exclusion.message())
        .contains("fails profile llm-tumor-size")
        .contains("[llm-size-1]");
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
    Exclusion exclusion =
        ((MappingOutcome.Excluded) map(render(row(LocalDate.of(2009, 1, 1), null)))).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.DEATH_BEFORE_INDEX);
  }

  @Test
  void deceasedWithoutADateIsAnExclusion() {
    List<Resource> chart = render(row(null, LocalDate.of(2019, 12, 1)));
    find(chart, "t1", Patient.class).setDeceased(new BooleanType(true));

    assertThat(((MappingOutcome.Excluded) map(chart)).exclusion().reason())
        .isEqualTo(ExclusionReason.DEATH_DATE_UNKNOWN);
  }

  @Test
  void aHistologyOtherThanLeiomyosarcomaIsNoLeiomyosarcomaDiagnosisNamingThePrimary() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Condition primary = find(chart, "-primary", Condition.class);
    primary
        .getExtension()
        .get(0)
        .setValue(new CodeableConcept(new Coding(ICDO3, "8850/3", "Liposarcoma")));

    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();

    // The validator objects to the histology too; the specific reason tells the person what is
    // wrong.
    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.NO_LEIOMYOSARCOMA);
    assertThat(exclusion.resource()).isEqualTo("Condition/t1-primary");
    assertThat(exclusion.message()).contains("8850/3").contains("llm-histology-codes");
  }

  @Test
  void aPrimaryAtASiteWhereLeiomyosarcomaIsRareCountsWithItsHistology() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "-primary", Condition.class).getCode().getCodingFirstRep().setCode("C17.2");

    assertThat(map(chart)).isInstanceOf(MappingOutcome.Included.class);

    find(chart, "-primary", Condition.class).getExtension().clear();
    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();
    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.NO_LEIOMYOSARCOMA);
    assertThat(exclusion.message()).contains("C17.2").contains("histology");
  }

  @Test
  void aSoftTissuePrimaryWithoutHistologyStillCounts() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "-primary", Condition.class).getExtension().clear();

    assertThat(map(chart)).isInstanceOf(MappingOutcome.Included.class);
  }

  @Test
  void aPatientWithoutBirthDateIsNoBirthDateThoughTheProfileAlsoFails() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "t1", Patient.class).setBirthDate(null);

    assertThat(((MappingOutcome.Excluded) map(chart)).exclusion().reason())
        .isEqualTo(ExclusionReason.NO_BIRTH_DATE);
  }

  @Test
  void anUnusableDuplicateStandsAsideWhenAUsableOneSaysTheSame() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Observation size = find(chart, "-llm-size", Observation.class);
    Observation inches = size.copy();
    inches.setId("t1-llm-size-inches");
    inches.setValue(
        new Quantity()
            .setValue(new BigDecimal("1.2"))
            .setUnit("in")
            .setSystem("http://unitsofmeasure.org")
            .setCode("[in_i]"));
    chart.add(inches);

    MappingOutcome outcome = map(chart);

    assertThat(outcome).isInstanceOf(MappingOutcome.Included.class);
    assertThat(((MappingOutcome.Included) outcome).record().largestLlmCm()).isEqualTo(3.1);
    assertThat(outcome.warnings())
        .anySatisfy(w -> assertThat(w.issue().rule()).isEqualTo("llm-size-1"));
  }

  @Test
  void theExtentExtensionIsReadAsTheCodeTheProfileDefines() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Procedure resection = find(chart, "-hepatectomy", Procedure.class);
    resection.addExtension(StudyVariables.EXTENT_EXTENSION, new CodeType("major"));

    assertThat(((MappingOutcome.Included) map(chart)).record().majorHepatectomy()).isTrue();
  }

  @Test
  void theLastResectionOfThePrimaryDecidesTheMarginAndRxThereLeavesItUnknown() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Procedure first = find(chart, "-primary-resection", Procedure.class);
    Observation firstMargin = find(chart, "-margin", Observation.class);
    ((CodeableConcept) firstMargin.getValue()).getCodingFirstRep().setCode("R1");
    Procedure reexcision = first.copy();
    reexcision.setId("t1-primary-reexcision");
    reexcision.setPerformed(new DateTimeType("2008-04-17"));
    Observation margin = firstMargin.copy();
    margin.setId("t1-margin-reexcision");
    margin.getFocusFirstRep().setReference("Procedure/t1-primary-reexcision");
    margin.setEffective(new DateTimeType("2008-04-17"));
    chart.add(0, reexcision);
    chart.add(0, margin);

    ((CodeableConcept) margin.getValue()).getCodingFirstRep().setCode("R0");
    assertThat(((MappingOutcome.Included) map(chart)).record().primaryR0()).isTrue();

    ((CodeableConcept) margin.getValue()).getCodingFirstRep().setCode("RX");
    assertThat(((MappingOutcome.Included) map(chart)).record().primaryR0()).isNull();
  }

  @Test
  void aBirthAfterTheChartsFirstClinicalDateIsImplausibleNamingThatResource() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "t1", Patient.class).setBirthDateElement(new DateType("2009-01-01"));

    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.IMPLAUSIBLE_DATES);
    assertThat(exclusion.resource()).isEqualTo("Condition/t1-primary");
  }

  @Test
  void anAgeOver120AtTheResectionIsImplausible() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    find(chart, "t1", Patient.class).setBirthDateElement(new DateType("1880-01-01"));

    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.IMPLAUSIBLE_DATES);
    assertThat(exclusion.message()).contains("older than 120");
  }

  @Test
  void aResectionAfterTheDataCutoffIsExcludedNotANegativeSurvival() {
    CaseRow late =
        new CaseRow(
            "t1",
            "female",
            LocalDate.of(1950, 6, 15),
            "C54.2",
            LocalDate.of(2024, 2, 11),
            LocalDate.of(2024, 3, 20),
            "R0",
            LocalDate.of(2024, 11, 2),
            2,
            "3.1 cm",
            null,
            null,
            LocalDate.of(2025, 1, 15),
            "minor",
            null,
            null,
            List.of(),
            null,
            LocalDate.of(2025, 6, 1));

    Exclusion exclusion = ((MappingOutcome.Excluded) map(render(late))).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.INDEX_AFTER_CUTOFF);
    assertThat(exclusion.resource()).isEqualTo("Procedure/t1-hepatectomy");
  }

  @Test
  void anUnreadableDateOnThePatientIsExcludedWithoutQuotingIt() {
    List<Resource> chart = render(row(null, LocalDate.of(2019, 12, 1)));
    DateTimeType deceased = new DateTimeType();
    deceased.setValueAsString("2016-01-10");
    find(chart, "t1", Patient.class).setDeceased(deceased);
    // What the pull's lenient parser keeps for "yesterday": the text, no value.
    Patient patient =
        (Patient)
            PARSER.parseResource(
                FhirContext.forR4Cached()
                    .newJsonParser()
                    .encodeResourceToString(find(chart, "t1", Patient.class))
                    .replace("\"2016-01-10\"", "\"yesterday\""));
    chart.set(0, patient);

    Exclusion exclusion = ((MappingOutcome.Excluded) map(chart)).exclusion();

    assertThat(exclusion.reason()).isEqualTo(ExclusionReason.INVALID_RESOURCE);
    assertThat(exclusion.message()).contains("Patient.deceased").doesNotContain("yesterday");
  }

  @Test
  void anOnsetGivenAsAPeriodWithOnlyAnEndStillDatesTheMetastasis() {
    List<Resource> chart = render(row(LocalDate.of(2016, 1, 10), null));
    Condition llm = find(chart, "-llm", Condition.class);
    Period period = new Period();
    period.setEndElement(new DateTimeType("2010-06-02"));
    llm.setOnset(period);

    assertThat(map(chart)).isInstanceOf(MappingOutcome.Included.class);
  }
}
