package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;

/**
 * One fixture patient per exclusion rule: each is excluded for that reason, and the counts
 * reconcile.
 */
@ExtendWith(SharedSandbox.class)
class ExclusionsIT {

  @Test
  void everyRuleExcludesItsPatientAndPulledEqualsIncludedPlusExcluded(
      SandboxServer server, @TempDir Path out) throws Exception {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("exclusions"));

    CliRun run =
        CliRun.job(
            server.baseUrl(), out.toString(), "--set", "llm.pipeline.data-cutoff=2024-12-31");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode cohort =
        new ObjectMapper().readTree(Files.readString(out.resolve("results.json"))).get("cohort");
    assertThat(cohort.get("pulled").asInt()).isEqualTo(9);
    assertThat(cohort.get("included").asInt()).isEqualTo(1);
    Map<String, Integer> excluded =
        new ObjectMapper().convertValue(cohort.get("excluded"), Map.class);
    assertThat(excluded)
        .containsOnly(
            Map.entry("no-leiomyosarcoma-diagnosis", 1),
            Map.entry("no-hepatic-resection", 1),
            Map.entry("death-before-index", 1),
            Map.entry("no-liver-metastasis", 1),
            Map.entry("death-date-unknown", 1),
            Map.entry("no-birth-date", 1),
            Map.entry("invalid-resource", 1),
            Map.entry("conflicting-margins", 1));

    List<String> rows = Files.readAllLines(out.resolve("exclusions.csv"));
    assertThat(rows).hasSize(9);
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith(
                        "Patient/x-size-inches,invalid-resource,Observation/x-size-inches-llm-size,")
                    .contains("llm-size-1"))
        .anySatisfy(
            r ->
                assertThat(r).startsWith("Patient/x-two-margins,conflicting-margins,Observation/"));
  }
}
