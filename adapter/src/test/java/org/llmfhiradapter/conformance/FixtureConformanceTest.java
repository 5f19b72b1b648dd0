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

  @Test
  void everyRenderedDemoResourceThatPlaysARoleValidatesWithoutErrors() {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    CaseRenderer renderer = new CaseRenderer(Flavor.MCODE);
    int validated = 0;
    for (var row : CaseTable.read(Path.of("../fixtures/demo/cases.csv"))) {
      for (Resource resource : renderer.resources(row)) {
        String profile =
            resource instanceof Patient
                ? ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient"
                : classifier.classify(resource, code(resource)).map(ResourceRole::profileUrl).orElse(null);
        assertThat(profile).as("role of " + resource.getIdElement().getIdPart()).isNotNull();
        List<ValidationIssue> issues = validator.validate(resource, profile);
        assertThat(issues).as(resource.getIdElement().getIdPart()).noneMatch(ValidationIssue::isError);
        validated++;
      }
    }
    assertThat(validated).isGreaterThan(100);
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
