package org.llmfhiradapter.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The profiles do what they say: every valid example passes, and every rule a profile adds is
 * broken by one example in {@code profiles/examples/invalid/} that fails with the message listed in
 * its EXPECTED.md.
 */
class ProfileExamplesTest {

  private static final Path EXAMPLES = Path.of("..", "profiles", "examples");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Pattern ROW =
      Pattern.compile("^\\| `([^`]+\\.json)` \\|.*\\| (WARNING )?`([^`]+)` \\|\\s*$");

  static Stream<Path> validExamples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  static Stream<Arguments> brokenExamples() throws IOException {
    return Files.readAllLines(EXAMPLES.resolve("invalid/EXPECTED.md")).stream()
        .map(ROW::matcher)
        .filter(Matcher::matches)
        .map(m -> Arguments.of(m.group(1), m.group(3), m.group(2) == null ? "ERROR" : "WARNING"));
  }

  @ParameterizedTest
  @MethodSource("validExamples")
  void aValidExampleValidatesWithoutErrors(Path example) {
    FileValidation.Result result = validate(example, null);

    assertThat(result.validated()).isTrue();
    assertThat(result.issues()).noneMatch(ValidationIssue::isError);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenExamples")
  void aBrokenExampleFailsWithTheExpectedMessage(
      String file, String expectedMessage, String severity) {
    String profileId = file.substring(0, file.indexOf("--"));

    FileValidation.Result result =
        validate(
            EXAMPLES.resolve("invalid").resolve(file),
            ProfilePackage.CANONICAL + "/StructureDefinition/" + profileId);

    assertThat(result.issues())
        .filteredOn(issue -> issue.severity().name().equals(severity))
        .extracting(ValidationIssue::message)
        .anySatisfy(message -> assertThat(message).contains(expectedMessage.replace("\\|", "|")));
  }

  @org.junit.jupiter.api.Test
  void everyBrokenExampleIsListedWithItsExpectedMessage() throws IOException {
    List<String> listed = brokenExamples().map(a -> (String) a.get()[0]).toList();
    try (Stream<Path> files = Files.list(EXAMPLES.resolve("invalid"))) {
      List<String> present =
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
      assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
    }
  }

  private static FileValidation.Result validate(Path file, String profile) {
    List<InputResource> inputs = new ResourceFiles(FHIR).read(List.of(file));
    assertThat(inputs).hasSize(1);
    return new FileValidation(ProfileValidator.shared(FHIR)).validate(inputs.get(0), profile);
  }
}
