package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MeasureReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.Quantile;

/**
 * The whole job, over HTTP, against the embedded HAPI FHIR JPA server seeded with the demo
 * fixtures.
 */
@ExtendWith(SharedSandbox.class)
class CohortJobIT {

  private static final Path SMALL = SandboxData.FIXTURES.resolve("small");
  private static final String CUTOFF = "2024-12-31";
  private static final String IDENTIFIER =
      "http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-" + CUTOFF;

  @BeforeEach
  void seed(SandboxServer server) {
    SandboxData.resetAndSeed(server, SMALL);
  }

  @Test
  void runPullsMapsAnalyzesAndPublishesTheMedianAsAMeasureReport(
      SandboxServer server, @TempDir Path out) throws Exception {
    CliRun run = run(server, out, "--set", "llm.source.page-size=3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    assertThat(results.at("/cohort/pulled").asInt()).isEqualTo(12);
    assertThat(results.at("/cohort/included").asInt()).isEqualTo(10);
    assertThat(results.at("/cohort/excluded/no-hepatic-resection").asInt()).isEqualTo(1);
    assertThat(results.at("/cohort/excluded/no-leiomyosarcoma-diagnosis").asInt()).isEqualTo(1);

    Quantile expected = medianFromCaseTable(CaseTable.read(SMALL.resolve("cases.csv")));
    assertThat(results.at("/os/median").asDouble())
        .isCloseTo(
            expected.estimate() / CaseRecord.DAYS_PER_MONTH,
            org.assertj.core.data.Offset.offset(1e-12));

    MeasureReport onServer = reportOnServer(server);
    // The report keeps 10 significant digits; results.json every digit.
    assertThat(onServer.getGroupFirstRep().getMeasureScore().getValue().doubleValue())
        .isCloseTo(results.at("/os/median").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(onServer.getGroupFirstRep().getPopulationFirstRep().getCount()).isEqualTo(10);
    assertThat(run.out())
        .contains("Patients pulled: 12, included: 10, excluded: 2")
        .contains("MeasureReport created");
  }

  @Test
  void aRerunReplacesTheReportInsteadOfAddingOne(SandboxServer server, @TempDir Path out) {
    assertThat(run(server, out).exitCode()).isZero();
    CliRun second = run(server, out);

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("MeasureReport updated");
    assertThat(SandboxData.count(server, "MeasureReport", "identifier=" + IDENTIFIER)).isEqualTo(1);
  }

  @Test
  void anUnreachableServerFailsWithOneClearLine(@TempDir Path out) {
    CliRun run =
        CliRun.of(
            "run",
            "--base-url",
            "http://127.0.0.1:1/fhir",
            "--set",
            "llm.pipeline.routes=../routes");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines())
        .anySatisfy(line -> assertThat(line).startsWith("error: ").contains("cannot reach"));
    assertThat(run.err()).doesNotContain("\tat ");
  }

  private static CliRun run(SandboxServer server, Path out, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--base-url",
                server.baseUrl(),
                "--out",
                out.toString(),
                "--set",
                "llm.pipeline.routes=../routes",
                "--set",
                "llm.pipeline.data-cutoff=" + CUTOFF));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
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

  /**
   * The expected KM median straight from the case table: index = hepatectomy, end = death or last
   * contact.
   */
  private static Quantile medianFromCaseTable(List<CaseRow> rows) {
    List<CaseRow> eligible =
        rows.stream().filter(r -> r.hepatectomyDate() != null && r.primarySite() != null).toList();
    double[] time = new double[eligible.size()];
    boolean[] event = new boolean[eligible.size()];
    for (int i = 0; i < eligible.size(); i++) {
      CaseRow row = eligible.get(i);
      boolean died = row.deathDate() != null;
      time[i] =
          ChronoUnit.DAYS.between(
              row.hepatectomyDate(), died ? row.deathDate() : row.lastContactDate());
      event[i] = died;
    }
    return KaplanMeier.fit(time, event).median();
  }
}
