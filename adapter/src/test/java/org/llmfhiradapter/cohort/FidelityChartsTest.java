package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;
import org.llmfhiradapter.source.PatientRecord;
import org.llmfhiradapter.table.CsvTable;

/**
 * Charts as EHRs write them ({@code fixtures/fidelity/}, three flavours): each maps to the case
 * record an abstractor reads off it ({@code cases.csv}, through the oracle {@link ExpectedRecord}),
 * or is excluded for the most specific reason, naming the resource to fix ({@code outcomes.csv}).
 * The merged chart needs the pull to follow its links and is checked over HTTP ({@code
 * FidelityIT}).
 */
class FidelityChartsTest {

  private static final Path FIDELITY = Path.of("..", "fixtures", "fidelity");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ProfileValidator VALIDATOR = ProfileValidator.shared(FHIR);
  private static final RoleClassifier CLASSIFIER = RoleClassifier.from(VALIDATOR.profiles());
  private static final LocalDate CUTOFF = LocalDate.of(2024, 12, 31);

  /** What outcomes.csv says of one patient. */
  record Outcome(String rule, String outcome, String resource) {}

  static Map<String, Outcome> outcomes() {
    CsvTable table = CsvTable.read(FIDELITY.resolve("outcomes.csv"));
    return table.rows().stream()
        .collect(
            Collectors.toMap(
                r -> r.get(table.column("patient_id")),
                r ->
                    new Outcome(
                        r.get(table.column("rule")),
                        r.get(table.column("outcome")),
                        r.get(table.column("resource")))));
  }

  static Map<String, CaseRow> abstracted() {
    return CaseTable.read(FIDELITY.resolve("cases.csv")).stream()
        .collect(Collectors.toMap(CaseRow::id, Function.identity()));
  }

  static Stream<Arguments> charts() throws IOException {
    List<Arguments> charts = new ArrayList<>();
    for (String flavor : List.of("mcode", "epic", "cerner")) {
      try (Stream<Path> files = Files.list(FIDELITY.resolve(flavor))) {
        files
            .sorted()
            .forEach(
                file ->
                    charts.add(
                        Arguments.of(flavor, file.getFileName().toString().replace(".json", ""))));
      }
    }
    return charts.stream();
  }

  static MappingOutcome map(String flavor, String patient) throws IOException {
    Bundle bundle =
        FHIR.newJsonParser()
            .parseResource(
                Bundle.class,
                Files.readString(FIDELITY.resolve(flavor).resolve(patient + ".json")));
    List<Resource> chart =
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    PatientRecord record = PatientRecord.of(patient, chart);
    return new CohortMapper(CLASSIFIER, CUTOFF)
        .map(new ConformanceReview(CLASSIFIER, VALIDATOR).review(record));
  }

  private static boolean merged(String flavor, String patient) throws IOException {
    return Files.readString(FIDELITY.resolve(flavor).resolve(patient + ".json"))
        .contains("\"replaced-by\"");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("charts")
  void eachChartMapsToWhatAnAbstractorReadsOffIt(String flavor, String patient) throws IOException {
    if (merged(flavor, patient)) {
      return; // one person in two records: FidelityIT pulls it, following the links
    }
    Outcome expected = outcomes().get(patient);
    MappingOutcome outcome = map(flavor, patient);

    if (expected.outcome().equals("included")) {
      assertThat(outcome).as(describe(outcome)).isInstanceOf(MappingOutcome.Included.class);
      assertThat(((MappingOutcome.Included) outcome).record())
          .as(expected.rule())
          .isEqualTo(ExpectedRecord.of(abstracted().get(patient), CUTOFF));
    } else {
      assertThat(outcome).isInstanceOf(MappingOutcome.Excluded.class);
      Exclusion exclusion = ((MappingOutcome.Excluded) outcome).exclusion();
      assertThat(exclusion.reason().code()).as(exclusion.message()).isEqualTo(expected.outcome());
      assertThat(exclusion.resource()).isEqualTo(expected.resource());
    }
  }

  @Test
  void everyFixturePatientHasItsOutcomeAndItsAbstractInEveryFlavour() throws IOException {
    for (String flavor : List.of("mcode", "epic", "cerner")) {
      try (Stream<Path> files = Files.list(FIDELITY.resolve(flavor))) {
        assertThat(files.map(f -> f.getFileName().toString().replace(".json", "")))
            .as(flavor)
            .containsExactlyInAnyOrderElementsOf(outcomes().keySet());
      }
    }
    assertThat(abstracted().keySet()).containsExactlyInAnyOrderElementsOf(outcomes().keySet());
  }

  @Test
  void aDiagnosisDatedFromThePathologyAfterTheResectionIsNotARecurrence() throws IOException {
    CaseRecord record = included("mcode", "f-llm-before");

    assertThat(record.rfsDays()).isEqualTo(300);
    assertThat(record.recurrencePattern()).isEqualTo("lung-only");
  }

  @Test
  void aDiagnosisDatedAfterTheResectionIsTheIndexDiseaseNotItsRecurrence() throws IOException {
    CaseRecord record = included("mcode", "f-llm-after");

    assertThat(record.dxToLlmDays()).isEqualTo(943);
    assertThat(record.recurrencePattern()).isEqualTo("none");
    assertThat(record.rfsEvent()).isTrue(); // death
    assertThat(record.rfsDays()).isEqualTo(record.osDays());
  }

  @Test
  void encounterDiagnosesRestatingTheLiverMetastasesAtEachVisitAreNotRecurrences()
      throws IOException {
    for (String flavor : List.of("mcode", "epic", "cerner")) {
      CaseRecord record = included(flavor, "f-encounter-repeats");

      assertThat(record.rfsDays()).as(flavor).isEqualTo(400);
      assertThat(record.recurrencePattern()).as(flavor).isEqualTo("lung-only");
    }
  }

  @Test
  void liverDiseaseEnteredAsANewDiagnosisAfterTheIndexIsARecurrenceEvenUnmarked()
      throws IOException {
    CaseRecord record = included("epic", "f-liver-new");

    assertThat(record.rfsDays()).isEqualTo(250);
    assertThat(record.rfsEvent()).isTrue();
    assertThat(record.recurrencePattern()).isEqualTo("liver-only");
  }

  @Test
  void theExtentExtensionWinsOverTheCode() throws IOException {
    assertThat(included("cerner", "f-extent-generic").majorHepatectomy()).isTrue();
    assertThat(included("epic", "f-extent-over-cpt").majorHepatectomy()).isTrue();
  }

  @Test
  void recordsSetAsideByTheirStatusAreCountedInDataQuality() throws IOException {
    assertThat(rules(map("epic", "f-eie-duplicate"))).contains("set-aside:entered-in-error");
    assertThat(rules(map("mcode", "f-refuted-lung"))).contains("set-aside:refuted");
    assertThat(rules(map("mcode", "f-prelim-size"))).contains("set-aside:superseded-preliminary");
    assertThat(rules(map("mcode", "f-cancelled-count"))).contains("set-aside:cancelled");
    assertThat(rules(map("mcode", "f-not-done-rfa"))).contains("set-aside:not-done");
    assertThat(included("mcode", "f-prelim-size").largestLlmCm()).isEqualTo(3.3);
    assertThat(included("mcode", "f-not-done-rfa").rfa()).isFalse();
  }

  @Test
  void aConditionDatedOnlyByItsRecordedDateIsUsedAndFlagged() throws IOException {
    MappingOutcome outcome = map("cerner", "f-recorded-date");

    assertThat(outcome).isInstanceOf(MappingOutcome.Included.class);
    assertThat(rules(outcome).stream().filter("llm-cond-3"::equals)).hasSize(2);
  }

  @Test
  void excludedPatientsNameWhatToFix() throws IOException {
    assertThat(excluded("mcode", "f-liposarcoma").message())
        .contains("8850/3")
        .contains("not a leiomyosarcoma");
    assertThat(excluded("epic", "f-gastric-no-histology").message())
        .contains("C16.2")
        .contains("histology");
    assertThat(excluded("mcode", "f-no-birthdate").message()).contains("Patient.birthDate");
    assertThat(excluded("cerner", "f-prelim-only").message()).contains("llm-obs-1");
  }

  @Test
  void theFinalMarginIsTheReExcisionsWhateverTheOrderFound() throws IOException {
    for (String flavor : List.of("mcode", "epic", "cerner")) {
      CaseRecord record = included(flavor, "f-reexcision");

      assertThat(record.primaryR0()).as(flavor).isTrue();
      // The interval to the liver metastases still runs from the first resection of the primary.
      assertThat(record.primaryResectionToLlmDays()).as(flavor).isEqualTo(903);
    }
  }

  private static CaseRecord included(String flavor, String patient) throws IOException {
    MappingOutcome outcome = map(flavor, patient);
    assertThat(outcome).as(describe(outcome)).isInstanceOf(MappingOutcome.Included.class);
    return ((MappingOutcome.Included) outcome).record();
  }

  private static Exclusion excluded(String flavor, String patient) throws IOException {
    MappingOutcome outcome = map(flavor, patient);
    assertThat(outcome).isInstanceOf(MappingOutcome.Excluded.class);
    return ((MappingOutcome.Excluded) outcome).exclusion();
  }

  private static List<String> rules(MappingOutcome outcome) {
    return outcome.warnings().stream().map(ResourceFinding::issue).map(i -> i.rule()).toList();
  }

  private static String describe(MappingOutcome outcome) {
    return outcome instanceof MappingOutcome.Excluded out
        ? out.exclusion().message()
        : outcome.toString();
  }
}
