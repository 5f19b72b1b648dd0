package org.llmfhiradapter.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reused core validator is only a speed-up: on every example, valid or broken, it reports
 * exactly what HAPI's own module reports, and validating twice changes nothing.
 */
class ReusedValidatorTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void reportsTheSameIssuesAsHapisModuleOnEveryExampleInAnyOrder() throws IOException {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    List<Path> files = new ArrayList<>();
    for (Path folder :
        List.of(Path.of("../profiles/examples"), Path.of("../profiles/examples/invalid"))) {
      try (Stream<Path> list = Files.list(folder)) {
        list.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
      }
    }
    java.util.Collections.reverse(files);
    for (Path file : files) {
      InputResource input = new ResourceFiles(FHIR).read(List.of(file)).get(0);
      String name = file.getFileName().toString();
      String profile =
          name.contains("--")
              ? ProfilePackage.CANONICAL
                  + "/StructureDefinition/"
                  + name.substring(0, name.indexOf("--"))
              : input.resource().getMeta().getProfile().get(0).getValue();

      List<ValidationIssue> reused = validator.validate(input.resource(), profile);
      List<ValidationIssue> again = validator.validate(input.resource(), profile);
      List<ValidationIssue> hapi = validator.validateThroughHapi(input.resource(), profile);

      assertThat(reused).as(name).containsExactlyInAnyOrderElementsOf(hapi);
      assertThat(again).as(name + " twice").containsExactlyElementsOf(reused);
    }
  }

  @Test
  void aRenewedCoreValidatorReportsWhatTheOneBeforeItReported() throws IOException {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    Path broken;
    try (Stream<Path> list = Files.list(Path.of("../profiles/examples/invalid"))) {
      broken = list.filter(p -> p.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
    }
    InputResource input = new ResourceFiles(FHIR).read(List.of(broken)).get(0);
    String name = broken.getFileName().toString();
    String profile =
        ProfilePackage.CANONICAL + "/StructureDefinition/" + name.substring(0, name.indexOf("--"));

    List<ValidationIssue> first = validator.validate(input.resource(), profile);
    assertThat(first).as(name).isNotEmpty();
    // On one thread, across at least one renewal of the core validator.
    for (int i = 0; i < ReusedInstanceValidator.VALIDATIONS_PER_INSTANCE + 1; i++) {
      assertThat(validator.validate(input.resource(), profile))
          .as("validation %d", i)
          .containsExactlyElementsOf(first);
    }
  }
}
