package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.ExpectedRecord;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.fixtures.RandomCases;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.source.FhirSource;

/**
 * Property: a case table rendered to FHIR in any vendor's flavour, served, pulled over HTTP and
 * mapped gives back exactly the case records its raw facts define (the oracle {@link
 * ExpectedRecord}), for generated tables, not only the fixture.
 */
@ExtendWith(SharedSandbox.class)
class RoundTripIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final LocalDate CUTOFF = LocalDate.of(2035, 12, 31);

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void aGeneratedCaseTableSurvivesRenderServePullAndMap(Flavor flavor, SandboxServer server) {
    for (long seed : new long[] {11, 12, 13}) {
      List<CaseRow> rows =
          RandomCases.rows(
              seed * 31 + flavor.ordinal(), 20, flavor.name().toLowerCase() + seed + "-");
      SandboxData.reset(server);
      SandboxData.client(server)
          .transaction()
          .withBundle(new CaseRenderer(flavor).render(rows))
          .execute();

      Map<String, MappingOutcome> pulled = pullAndMap(server);

      assertThat(pulled)
          .as(
              flavor
                  + ": Conditions on the server: "
                  + SandboxData.count(server, "Condition", "_id:missing=false"))
          .hasSize(rows.size());
      for (CaseRow row : rows) {
        MappingOutcome outcome = pulled.get(row.id());
        assertThat(outcome).as(flavor + " " + row.id()).isInstanceOf(MappingOutcome.Included.class);
        assertThat(((MappingOutcome.Included) outcome).record())
            .as(flavor + " seed " + seed + " " + row)
            .isEqualTo(ExpectedRecord.of(row, CUTOFF));
      }
    }
  }

  private static Map<String, MappingOutcome> pullAndMap(SandboxServer server) {
    FhirSource source = new FhirSource(FHIR, AdapterConfig.Source.of(server.baseUrl(), 7));
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    ConformanceReview review = new ConformanceReview(classifier, validator);
    CohortMapper mapper = new CohortMapper(classifier, CUTOFF);
    // Four patients at a time, as the job's pull threads share one source, review and mapper.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<MappingOutcome> outcomes = new ArrayList<>();
    try {
      for (Future<MappingOutcome> outcome :
          pool.invokeAll(
              source.discoverPatients().stream()
                  .map(
                      id ->
                          (Callable<MappingOutcome>)
                              () -> mapper.map(review.review(source.fetchPatient(id))))
                  .toList())) {
        outcomes.add(outcome.get());
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
    return outcomes.stream()
        .collect(Collectors.toMap(CohortMapperTestSupport::patientId, Function.identity()));
  }
}
