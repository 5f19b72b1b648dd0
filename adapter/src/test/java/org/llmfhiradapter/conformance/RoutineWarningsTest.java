package org.llmfhiradapter.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.source.PatientRecord;

/**
 * data_quality keeps what is particular to some charts: the warnings every payload of a vendor
 * raises (Epic's instance category codings and identifier types, Observations dated by issued,
 * counts in UCUM {#}) are left out, the rest is kept.
 */
class RoutineWarningsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @ParameterizedTest
  @EnumSource(
      value = Flavor.class,
      names = {"EPIC", "CERNER"})
  void theWarningsEveryPayloadOfAVendorRaisesAreLeftOutAndTheRestKept(Flavor flavor) {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    ConformanceReview review = new ConformanceReview(classifier, validator);
    List<ValidationIssue> raised = new ArrayList<>();
    List<ResourceFinding> reported = new ArrayList<>();
    for (CaseRow row : CaseTable.read(Path.of("../fixtures/paper/cases.csv"))) {
      PatientRecord record = PatientRecord.of(row.id(), new CaseRenderer(flavor).resources(row));
      ReviewedRecord reviewed = review.review(record);
      reported.addAll(reviewed.warnings());
      raised.addAll(
          validator.validate(
              ValidationView.of(record.patient(), classifier.knownSystems()),
              ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient"));
      for (Resource resource : record.clinicalResources()) {
        reviewed
            .role(resource)
            .ifPresent(
                role ->
                    raised.addAll(
                        validator.validate(
                            ValidationView.of(resource, classifier.knownSystems()),
                            role.profileUrl())));
      }
    }
    Set<String> routineRaised =
        raised.stream()
            .filter(RoutineWarnings::isRoutine)
            .map(ValidationIssue::rule)
            .collect(Collectors.toSet());

    // The validator does raise them on every chart of this vendor ...
    assertThat(routineRaised).contains("dom-6");
    if (flavor == Flavor.EPIC) {
      assertThat(routineRaised)
          .contains(
              "Terminology_TX_NoValid_2_CC",
              "Terminology_TX_Code_ValueSet_Ext",
              "All_observations_should_have_an_effectiveDateTime_or_an_effectivePeriod");
    } else {
      assertThat(routineRaised).contains("TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS");
    }
    // ... but none of them reaches data_quality, while what is particular to some charts does.
    assertThat(reported).noneMatch(f -> RoutineWarnings.isRoutine(f.issue()));
    assertThat(reported).extracting(f -> f.issue().rule()).contains("llm-hep-1");
  }
}
