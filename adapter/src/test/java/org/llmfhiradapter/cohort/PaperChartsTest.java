package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.source.PatientRecord;

/**
 * The paper's cohort charted as each EHR writes it (pathology-dated diagnoses, a diagnosis restated
 * at every visit, records entered in error, refuted, cancelled, not done, preliminary) maps to
 * exactly the case records its table defines: the records DemoCommandIT reproduces the abstract
 * from. Without a server, in seconds.
 */
class PaperChartsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void everyPaperPatientMapsToItsTableRecordInEveryVendorsShape(Flavor flavor) {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    LocalDate cutoff = LocalDate.of(2026, 11, 30);
    CohortMapper mapper = new CohortMapper(classifier, cutoff);
    ConformanceReview review = new ConformanceReview(classifier, validator);
    CaseRenderer renderer = new CaseRenderer(flavor);
    int mapped = 0;
    for (CaseRow row : CaseTable.read(Path.of("../fixtures/paper/cases.csv"))) {
      MappingOutcome outcome =
          mapper.map(review.review(PatientRecord.of(row.id(), renderer.resources(row))));

      assertThat(outcome)
          .as(flavor + " " + row.id() + " " + outcome)
          .isInstanceOf(MappingOutcome.Included.class);
      assertThat(((MappingOutcome.Included) outcome).record())
          .as(flavor + " " + row.id())
          .isEqualTo(ExpectedRecord.of(row, cutoff));
      mapped++;
    }
    assertThat(mapped).isEqualTo(54);
  }
}
