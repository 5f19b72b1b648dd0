package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ValidationIssue;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.fixtures.RandomCases;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.testing.FaultProxy;

/**
 * The results land on the server as a Measure, a cohort Group and one MeasureReport per cohort and
 * cut-off.
 */
@ExtendWith(SharedSandbox.class)
class PublishIT {

  private static final String CUTOFF = "2024-12-31";
  private static final String IDENTIFIER =
      "http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-" + CUTOFF;

  @BeforeEach
  void seed(SandboxServer server) {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
  }

  @Test
  void theReportOnTheServerCarriesTheNumbersOfResultsJsonAndValidates(
      SandboxServer server, @TempDir Path out) throws Exception {
    CliRun run = run(server.baseUrl(), out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    MeasureReport report = reportOnServer(server);
    MeasureReportGroupComponent os = report.getGroup().get(0);
    assertThat(os.getCode().getCodingFirstRep().getCode()).isEqualTo("overall-survival");
    assertThat(os.getMeasureScore().getValue().doubleValue())
        .isCloseTo(results.at("/os/median").asDouble(), within(1e-6));
    assertThat(os.getPopulationFirstRep().getCount()).isEqualTo(results.at("/os/n").asInt());
    assertThat(intExtension(os, "llm-events")).isEqualTo(results.at("/os/events").asInt());
    assertThat(report.getGroup().get(1).getMeasureScore().getValue().doubleValue())
        .isCloseTo(results.at("/rfs/median").asDouble(), within(1e-6));
    assertThat(os.getStratifier()).hasSize(6);
    assertThat(os.getStratifier().get(3).getExtensionFirstRep().getExtensionString("p-value"))
        .satisfies(
            p ->
                assertThat(Double.parseDouble(p))
                    .isCloseTo(results.at("/factors/rfa/logrank_p").asDouble(), within(1e-9)));
    assertThat(report.getEvaluatedResourceFirstRep().getReference()).startsWith("Group/");

    List<ValidationIssue> issues =
        ProfileValidator.shared(FhirContext.forR4Cached())
            .validate(report, MeasureReportFactory.PROFILE);
    assertThat(issues).noneMatch(ValidationIssue::isError);
    MeasureReport written =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(
                MeasureReport.class, Files.readString(out.resolve("measurereport.json")));
    assertThat(written.getIdElement().getIdPart()).isEqualTo(report.getIdElement().getIdPart());
  }

  @Test
  void runningTwiceKeepsOneReportAndNewDataUpdatesIt(SandboxServer server, @TempDir Path out)
      throws Exception {
    assertThat(run(server.baseUrl(), out).exitCode()).isZero();
    MeasureReport first = reportOnServer(server);
    assertThat(run(server.baseUrl(), out).exitCode()).isZero();
    assertThat(SandboxData.count(server, "MeasureReport", "identifier=" + IDENTIFIER)).isEqualTo(1);
    assertThat(
            SandboxData.count(
                server, "Measure", "url=http://llm-fhir-adapter.org/fhir/Measure/llm-survival"))
        .isEqualTo(1);

    SandboxData.client(server)
        .transaction()
        .withBundle(new CaseRenderer(Flavor.MCODE).render(RandomCases.rows(5, 3, "new-")))
        .execute();
    CliRun third = run(server.baseUrl(), out);

    assertThat(third.out()).contains("MeasureReport updated");
    MeasureReport updated = reportOnServer(server);
    assertThat(updated.getIdElement().getIdPart()).isEqualTo(first.getIdElement().getIdPart());
    assertThat(updated.getGroupFirstRep().getPopulationFirstRep().getCount())
        .isEqualTo(first.getGroupFirstRep().getPopulationFirstRep().getCount() + 3);
    assertThat(SandboxData.count(server, "MeasureReport", "identifier=" + IDENTIFIER)).isEqualTo(1);
  }

  @Test
  void aRefusedWriteFailsClearlyAndLeavesThePreviousReportAsItWas(
      SandboxServer server, @TempDir Path out) throws Exception {
    assertThat(run(server.baseUrl(), out).exitCode()).isZero();
    MeasureReport before = reportOnServer(server);
    SandboxData.client(server)
        .transaction()
        .withBundle(new CaseRenderer(Flavor.MCODE).render(RandomCases.rows(6, 2, "late-")))
        .execute();

    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      // The transaction is a POST to the base URL; everything else is forwarded.
      proxy.failWhen(
          r -> r.method().equals("POST") && r.pathAndQuery().equals("/fhir"),
          500,
          "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"exception\",\"diagnostics\":\"disk full\"}]}");
      CliRun refused = run(proxy.baseUrl(server.baseUrl()), out);

      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err())
          .contains("error: Publishing the results: Results transaction")
          .contains("answered HTTP 500")
          .contains("nothing was written")
          .doesNotContain("\tat ");
      assertThat(proxy.faultsServed()).isEqualTo(1);
    }
    MeasureReport after = reportOnServer(server);
    assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
    assertThat(after.getGroupFirstRep().getPopulationFirstRep().getCount())
        .isEqualTo(before.getGroupFirstRep().getPopulationFirstRep().getCount());
  }

  @Test
  void noPublishedAggregateCarriesADateOfOnePatient(SandboxServer server, @TempDir Path out)
      throws Exception {
    CliRun run = run(server.baseUrl(), out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> patientDates = new ArrayList<>();
    for (CaseRow row : CaseTable.read(SandboxData.FIXTURES.resolve("small").resolve("cases.csv"))) {
      Stream.of(
              row.birthDate(),
              row.primaryDxDate(),
              row.primaryResectionDate(),
              row.llmDxDate(),
              row.chemoStartDate(),
              row.hepatectomyDate(),
              row.rfaDate(),
              row.recurrenceDate(),
              row.deathDate(),
              row.lastContactDate())
          .filter(Objects::nonNull)
          .map(LocalDate::toString)
          .forEach(patientDates::add);
    }
    Bundle groups =
        SandboxData.client(server)
            .search()
            .byUrl(
                "Group?identifier="
                    + CohortGroupFactory.IDENTIFIER_SYSTEM
                    + "|llm-resected-"
                    + CUTOFF)
            .returnBundle(Bundle.class)
            .execute();
    Map<String, String> published =
        Map.of(
            "results.json", Files.readString(out.resolve("results.json")),
            "measurereport.json", Files.readString(out.resolve("measurereport.json")),
            "Group",
                FhirContext.forR4Cached()
                    .newJsonParser()
                    .encodeResourceToString(groups.getEntryFirstRep().getResource()));
    published.forEach(
        (name, text) ->
            assertThat(patientDates)
                .as(name + " holds no patient's date")
                .noneMatch(text::contains));
    // The report's period: the study's (the year of the first resection here, as no study start is
    // set).
    MeasureReport report = reportOnServer(server);
    assertThat(report.getPeriod().getStartElement().getValueAsString()).matches("\\d{4}");
    assertThat(report.getPeriod().getEndElement().getValueAsString()).isEqualTo(CUTOFF);
  }

  private static CliRun run(String baseUrl, Path out) {
    return CliRun.job(baseUrl, out.toString(), "--set", "llm.pipeline.data-cutoff=" + CUTOFF);
  }

  private static MeasureReport reportOnServer(SandboxServer server) {
    Bundle found =
        SandboxData.client(server)
            .search()
            .byUrl("MeasureReport?identifier=" + IDENTIFIER)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).hasSize(1);
    return (MeasureReport) found.getEntryFirstRep().getResource();
  }

  private static int intExtension(MeasureReportGroupComponent group, String id) {
    Extension extension =
        group.getExtensionByUrl("http://llm-fhir-adapter.org/fhir/StructureDefinition/" + id);
    return ((org.hl7.fhir.r4.model.UnsignedIntType) extension.getValue()).getValue();
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
