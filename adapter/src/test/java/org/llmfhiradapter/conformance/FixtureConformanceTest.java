package org.llmfhiradapter.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.Flavor;

class FixtureConformanceTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"small,MCODE", "paper,MCODE", "paper,EPIC", "paper,CERNER", "exclusions,MCODE"})
  void everyRenderedFixtureResourceThatPlaysARoleValidatesWithoutErrors(String folder, Flavor flavor) {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    CaseRenderer renderer = new CaseRenderer(flavor);
    int validated = 0;
    for (var row : CaseTable.read(Path.of("../fixtures", folder, "cases.csv"))) {
      if (row.primarySite() == null) {
        continue; // the exclusion fixture's patient without a leiomyosarcoma has no role to check
      }
      for (Resource resource : renderer.resources(row)) {
        // As the pull does: vendor spellings normalized before the role is read.
        if (!(resource instanceof Patient)) {
          CodeNormalizer.normalize(code(resource));
        }
        if (resource instanceof Observation observation && observation.getValue() instanceof CodeableConcept value) {
          CodeNormalizer.normalize(value);
        }
        String profile =
            resource instanceof Patient
                ? ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient"
                : classifier.classify(resource, code(resource)).map(ResourceRole::profileUrl).orElse(null);
        assertThat(profile).as("role of " + resource.getIdElement().getIdPart()).isNotNull();
        List<ValidationIssue> issues =
            validator.validate(ValidationView.of(resource, classifier.knownSystems()), profile);
        assertThat(issues).as(resource.getIdElement().getIdPart()).noneMatch(ValidationIssue::isError);
        validated++;
      }
    }
    assertThat(validated).isGreaterThan(20);
  }

  private static CodeableConcept code(Resource resource) {
    if (resource instanceof Condition c) {
      return c.getCode();
    }
    if (resource instanceof Procedure p) {
      return p.getCode();
    }
    return ((Observation) resource).getCode();
  }
}
