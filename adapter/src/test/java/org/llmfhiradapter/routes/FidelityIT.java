package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.cohort.CohortMapper;
import org.llmfhiradapter.cohort.MappingOutcome;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.conformance.RoutineWarnings;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.source.FhirSource;
import org.llmfhiradapter.source.PatientRecord;
import org.llmfhiradapter.table.CsvTable;

/**
 * The fidelity charts ({@code fixtures/fidelity/}) served in each vendor's shape and pulled over
 * HTTP by the whole job: every person counted once (the merged chart's two records are one), the
 * counts reconcile with what {@code outcomes.csv} expects, and data_quality holds the particular
 * findings, not the routine ones.
 */
@ExtendWith(SharedSandbox.class)
class FidelityIT {

  private static final Path FIDELITY = SandboxData.FIXTURES.resolve("fidelity");
  private static final LocalDate CUTOFF = LocalDate.of(2024, 12, 31);

  @ParameterizedTest
  @ValueSource(strings = {"mcode", "epic", "cerner"})
  void eachPersonIsCountedOnceAndTheCountsAreTheOnesTheChartsCallFor(
      String flavor, SandboxServer server, @TempDir Path out) throws Exception {
    SandboxData.resetAndSeed(server, FIDELITY.resolve(flavor));

    // The candidate Group names every Patient seeded, both records of the merged chart among them.
    CliRun run =
        CliRun.job(
            server.baseUrl(),
            out.toString(),
            "--set",
            "llm.pipeline.data-cutoff=" + CUTOFF,
            "--set",
            "llm.source.patients=group:llm-demo-candidates",
            "--set",
            "llm.publish.enabled=false");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    JsonNode cohort = results.get("cohort");
    Map<String, Long> expected =
        outcomes().values().stream()
            .filter(o -> !o.equals("included"))
            .collect(Collectors.groupingBy(o -> o, Collectors.counting()));
    assertThat(cohort.get("pulled").asInt()).isEqualTo(outcomes().size());
    assertThat(cohort.get("merged_candidates").asInt()).isEqualTo(1);
    assertThat(cohort.get("included").asLong())
        .isEqualTo(outcomes().size() - expected.values().stream().mapToLong(l -> l).sum());
    assertThat(new ObjectMapper().convertValue(cohort.get("excluded"), Map.class))
        .isEqualTo(
            expected.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().intValue())));
    assertThat(run.out()).contains("1 more candidates were the other half of a merged chart");

    JsonNode quality = results.get("data_quality");
    assertThat(quality)
        .noneSatisfy(
            note -> assertThat(RoutineWarnings.KIND_RULES).contains(note.get("rule").asText()));
    assertThat(quality.findValuesAsText("rule"))
        .contains(
            "llm-cond-3",
            "set-aside:entered-in-error",
            "set-aside:refuted",
            "set-aside:superseded-preliminary",
            "set-aside:cancelled",
            "set-aside:not-done");
  }

  @Test
  void aMergedChartIsPulledAsOnePersonUnderItsSurvivorWhicheverHalfIsTheCandidate(
      SandboxServer server) {
    SandboxData.resetAndSeed(server, FIDELITY.resolve("epic"));
    FhirContext fhir = FhirContext.forR4Cached();
    FhirSource source = new FhirSource(fhir, AdapterConfig.Source.of(server.baseUrl(), 50));
    ProfileValidator validator = ProfileValidator.shared(fhir);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    var abstracted =
        CaseTable.read(FIDELITY.resolve("cases.csv")).stream()
            .filter(r -> r.id().equals("f-merged"))
            .findFirst()
            .orElseThrow();

    for (String candidate : new String[] {"f-merged-old", "f-merged"}) {
      PatientRecord record = source.fetchPatient(candidate);

      assertThat(record.patientId()).as(candidate).isEqualTo("f-merged");
      MappingOutcome outcome =
          new CohortMapper(classifier, CUTOFF)
              .map(new ConformanceReview(classifier, validator).review(record));
      assertThat(outcome)
          .as(candidate + ": " + outcome)
          .isInstanceOf(MappingOutcome.Included.class);
      assertThat(((MappingOutcome.Included) outcome).record())
          .isEqualTo(ExpectedRecord.of(abstracted, CUTOFF));
    }
  }

  private static Map<String, String> outcomes() {
    CsvTable table = CsvTable.read(FIDELITY.resolve("outcomes.csv"));
    return table.rows().stream()
        .collect(
            Collectors.toMap(
                r -> r.get(table.column("patient_id")), r -> r.get(table.column("outcome"))));
  }
}
