package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private static final Path EXAMPLES = Path.of("..", "profiles", "examples");

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void validResourcesExitZeroAndSaySo() {
    CliRun run = CliRun.of("validate", EXAMPLES.resolve("Procedure-example-llm-hepatic-resection.json").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("1 resources: 0 errors");
  }

  @Test
  void errorsExitOneAndNameFileResourceLocationMessageAndRule() {
    CliRun run =
        CliRun.of("validate", EXAMPLES.resolve("invalid/llm-recurrence--llm-rec-1.json").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("llm-recurrence--llm-rec-1.json Condition/invalid-llm-recurrence--llm-rec-1 ERROR Condition:")
        .contains("[llm-rec-1]");
  }

  @Test
  void jsonOutputListsEachResourceWithItsProfileAndIssues() throws Exception {
    CliRun run =
        CliRun.of("validate", "--format", "json", EXAMPLES.resolve("invalid/llm-patient--gender-required.json").toString());

    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("errors").asInt()).isPositive();
    assertThat(json.at("/results/0/profile").asText()).endsWith("/StructureDefinition/llm-patient");
    assertThat(json.at("/results/0/issues/0/location").asText()).startsWith("Patient");
  }

  @Test
  void aBundleAndNdjsonAreValidatedResourceByResource() throws Exception {
    String patient = Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json")).replaceAll("\\s*\\n\\s*", " ");
    Path ndjson = file("pull.ndjson", patient + "\n\n" + patient + "\n");
    Path bundle = file("bundle.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" + patient + "}]}");

    CliRun run = CliRun.of("validate", ndjson.toString(), bundle.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("3 resources: 0 errors");
  }

  @Test
  void anUnknownElementIsAnErrorNotSilentlyDropped() throws Exception {
    String json = Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json")).replaceFirst("\\{", "{\"favouriteColour\":\"blue\",");

    CliRun run = CliRun.of("validate", file("p.json", json).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("Unknown element 'favouriteColour'");
  }

  @Test
  void textThatIsNotJsonIsUnusableInputWithExitTwo() throws Exception {
    assertUnusable(file("notes.json", "Patient: Jane\n"), "notes.json: not valid JSON (line 1, column");
  }

  @Test
  void jsonThatIsNotFhirIsUnusableInput() throws Exception {
    assertUnusable(file("config.json", "{\"name\": \"x\"}"), "config.json: JSON without a \"resourceType\"");
  }

  @Test
  void anUnknownResourceTypeIsUnusableInput() throws Exception {
    assertUnusable(file("p.json", "{\"resourceType\": \"Patients\"}"), "\"Patients\" is not a FHIR R4 resource type");
  }

  @Test
  void aDeeplyNestedDocumentIsRefusedWithoutAStackOverflow() throws Exception {
    String nested = "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

    assertUnusable(file("deep.json", nested), "deep.json: ");
  }

  @Test
  void aTwentyMegabyteJsonFileIsRefusedWithAdvice() throws Exception {
    Path big = dir.resolve("big.json");
    try (Writer writer = Files.newBufferedWriter(big)) {
      writer.write("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"");
      String chunk = "x".repeat(1024);
      for (int i = 0; i < 20 * 1024; i++) {
        writer.write(chunk);
      }
      writer.write("\"}}");
    }

    assertUnusable(big, "give the resources as NDJSON");
  }

  @Test
  void aMissingFileIsUnusableInput() {
    CliRun run = CliRun.of("validate", "no-such-file.json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("error: no-such-file.json: no such file");
  }

  @Test
  void anUnknownProfileIsUnusableInput() {
    CliRun run =
        CliRun.of("validate", "--profile", "http://example.org/nope", EXAMPLES.resolve("Patient-example-llm-patient.json").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown profile http://example.org/nope");
  }

  private static void assertUnusable(Path file, String expected) {
    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: ").contains(expected).doesNotContain("\tat ");
  }
}
