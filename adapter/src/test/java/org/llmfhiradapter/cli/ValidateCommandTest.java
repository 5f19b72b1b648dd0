package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    CliRun run =
        CliRun.of(
            "validate",
            EXAMPLES.resolve("Procedure-example-llm-hepatic-resection.json").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("1 resources: 0 errors");
  }

  @Test
  void errorsExitOneAndNameFileResourceLocationMessageAndRule() {
    CliRun run =
        CliRun.of(
            "validate", EXAMPLES.resolve("invalid/llm-recurrence--llm-rec-1.json").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "llm-recurrence--llm-rec-1.json Condition/invalid-llm-recurrence--llm-rec-1 ERROR Condition:")
        .contains("[llm-rec-1]");
  }

  @Test
  void jsonOutputListsEachResourceWithItsProfileAndIssues() throws Exception {
    CliRun run =
        CliRun.of(
            "validate",
            "--format",
            "json",
            EXAMPLES.resolve("invalid/llm-patient--gender-required.json").toString());

    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("errors").asInt()).isPositive();
    assertThat(json.at("/results/0/profile").asText()).endsWith("/StructureDefinition/llm-patient");
    assertThat(json.at("/results/0/issues/0/location").asText()).startsWith("Patient");
  }

  @Test
  void aBundleAndNdjsonAreValidatedResourceByResource() throws Exception {
    String patient =
        Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json"))
            .replaceAll("\\s*\\n\\s*", " ");
    Path ndjson = file("pull.ndjson", patient + "\n\n" + patient + "\n");
    Path bundle =
        file(
            "bundle.json",
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                + patient
                + "}]}");

    CliRun run = CliRun.of("validate", ndjson.toString(), bundle.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("3 resources: 0 errors");
  }

  @Test
  void anUnknownElementIsAnErrorNotSilentlyDropped() throws Exception {
    String json =
        Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json"))
            .replaceFirst("\\{", "{\"favouriteColour\":\"blue\",");

    CliRun run = CliRun.of("validate", file("p.json", json).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("Unknown element 'favouriteColour'");
  }

  @Test
  void textThatIsNotJsonIsUnusableInputWithExitTwo() throws Exception {
    assertUnusable(
        file("notes.json", "Patient: Jane\n"), "notes.json: not valid JSON (line 1, column");
  }

  @Test
  void jsonThatIsNotFhirIsUnusableInput() throws Exception {
    assertUnusable(
        file("config.json", "{\"name\": \"x\"}"), "config.json: JSON without a \"resourceType\"");
  }

  @Test
  void anUnknownResourceTypeIsUnusableInput() throws Exception {
    assertUnusable(
        file("p.json", "{\"resourceType\": \"Patients\"}"),
        "\"Patients\" is not a FHIR R4 resource type");
  }

  @Test
  void aDeeplyNestedDocumentIsRefusedWithoutAStackOverflow() throws Exception {
    String nested =
        "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

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
        CliRun.of(
            "validate",
            "--profile",
            "http://example.org/nope",
            EXAMPLES.resolve("Patient-example-llm-patient.json").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown profile http://example.org/nope");
  }

  @Test
  void badDatesAreErrorsOfTheirResourceAndEveryOtherFileIsStillValidated() throws Exception {
    String condition =
        Files.readString(EXAMPLES.resolve("Condition-example-llm-liver-metastasis.json"));
    String onset = "\"onsetDateTime\": \"2015-09-01\"";
    assertThat(condition).contains(onset);
    Path folder = Files.createDirectories(dir.resolve("charts"));
    Files.writeString(
        folder.resolve("a-feb30.json"),
        condition.replace(onset, "\"onsetDateTime\": \"2015-02-30\""));
    Files.writeString(
        folder.resolve("b-yesterday.json"),
        condition.replace(onset, "\"onsetDateTime\": \"yesterday\""));
    Files.writeString(
        folder.resolve("c-offset.json"), condition.replace(onset, "\"onsetDateTime\": \"+25:00\""));
    Files.writeString(
        folder.resolve("d-boolean.json"), condition.replace(onset, "\"onsetDateTime\": true"));
    Files.writeString(
        folder.resolve("e-birth.json"),
        Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json"))
            .replaceFirst("\"birthDate\": \"[^\"]+\"", "\"birthDate\": \"2015-02-30\""));
    Files.writeString(folder.resolve("f-valid.json"), condition);

    CliRun run = CliRun.of("validate", folder.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    for (String file :
        List.of(
            "a-feb30.json",
            "b-yesterday.json",
            "c-offset.json",
            "d-boolean.json",
            "e-birth.json")) {
      assertThat(run.out().lines())
          .as(file)
          .anySatisfy(line -> assertThat(line).contains(file).contains("ERROR"));
    }
    assertThat(run.out()).doesNotContain("f-valid.json").contains("6 resources:");
    assertThat(run.out() + run.err()).doesNotContain("\tat ");
  }

  @Test
  void anEmptyResourceTypeIsUnusableInputButTheOtherFilesAreStillReported() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("mixed"));
    Files.writeString(
        folder.resolve("a-empty-type.json"), "{\"resourceType\": \"\", \"id\": \"x\"}");
    Files.copy(
        EXAMPLES.resolve("invalid/llm-patient--gender-required.json"),
        folder.resolve("b-no-gender.json"));

    CliRun run = CliRun.of("validate", folder.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("a-empty-type.json: \"resourceType\" is empty");
    assertThat(run.out())
        .contains("b-no-gender.json Patient/invalid-llm-patient--gender-required ERROR")
        .contains("1 resources: 1 errors")
        .contains("1 inputs unusable");
  }

  @Test
  void impossibleAndIncompleteResourcesAreErrors() throws Exception {
    String patient = Files.readString(EXAMPLES.resolve("Patient-example-llm-patient.json"));
    Path deathBeforeBirth =
        file(
            "death.json",
            patient.replaceFirst(
                "\"deceasedDateTime\": \"[^\"]+\"", "\"deceasedDateTime\": \"1950-12-31\""));
    Path unborn =
        file(
            "unborn.json",
            patient.replaceFirst("\"birthDate\": \"[^\"]+\"", "\"birthDate\": \"2099-01-01\""));
    Path noCode =
        file(
            "nocode.json",
            "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/p\"}}");

    CliRun run =
        CliRun.of("validate", deathBeforeBirth.toString(), unborn.toString(), noCode.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("death.json")
        .contains("[llm-pat-1]")
        .contains("unborn.json")
        .contains("[llm-pat-2]")
        .contains(
            "nocode.json Observation/o1 ERROR Observation: Observation.code: minimum required = 1");
  }

  @Test
  void duplicateKeysAndABundleWhoseEntryIsNotAListAreUnusableInput() throws Exception {
    assertUnusable(
        file(
            "dup.json",
            "{\"resourceType\":\"Patient\",\"birthDate\":\"1950-01-01\",\"birthDate\":\"1960-01-01\"}"),
        "a key appears twice in one object");
    assertUnusable(
        file(
            "bundle.json",
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":\"oops\"}"),
        "Bundle.entry is string, not a list of entries");
  }

  private static void assertUnusable(Path file, String expected) {
    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: ").contains(expected).doesNotContain("\tat ");
  }
}
