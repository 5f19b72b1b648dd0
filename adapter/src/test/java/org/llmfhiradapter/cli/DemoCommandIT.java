package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, in-process: its own embedded server, seeded, the whole job, then stop. */
class DemoCommandIT {

  @Test
  void demoRunsTheWholeJobOnItsEmbeddedServerAndWritesResults(@TempDir Path out) throws Exception {
    CliRun run =
        CliRun.of(
            "demo", "--out", out.toString(), "--fixtures", "../fixtures/demo", "--set", "llm.pipeline.routes=../routes");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Embedded FHIR server ready at http://127.0.0.1:");
    assertThat(run.out())
        .contains("Patients pulled: 12, included: 10, excluded: 2")
        .containsPattern("Overall survival \\(n=10, \\d+ deaths\\): median [0-9.]+ months")
        .contains("MeasureReport created: http://127.0.0.1:");
    JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    assertThat(results.at("/cohort/pulled").asInt())
        .isEqualTo(results.at("/cohort/included").asInt() + 2);
    assertThat(results.at("/os/median").isNumber()).isTrue();
  }

  @Test
  void aMissingFixtureFolderIsOneClearLineNotAStackTrace() {
    CliRun run = CliRun.of("demo", "--fixtures", "no-such-folder");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("error: Fixture folder no-such-folder does not exist")
        .doesNotContain("\tat ");
  }
}
