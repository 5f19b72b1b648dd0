package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.MeasureReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedRegistry;
import org.llmfhiradapter.sandbox.SharedRegistry.Registry;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.store.CohortStore;
import org.llmfhiradapter.testing.ChildJvm;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Delay;
import org.llmfhiradapter.testing.FaultProxy.Request;

/**
 * A sync process killed with SIGKILL mid-pull and mid-publish, then run again: the same cohort
 * table, results and report as an uninterrupted sync, and exactly one MeasureReport for the
 * identifier. The sync runs in a JVM of its own so that it can be killed as cron's or Kubernetes'
 * would be.
 */
@ExtendWith({SharedSandbox.class, SharedRegistry.class})
class SyncKillIT {

  private static final String REPORT = SyncTesting.REPORT;
  private static final Predicate<Request> PATIENT_READ =
      r -> r.method().equals("GET") && r.pathAndQuery().startsWith("/fhir/Patient/");
  private static final Predicate<Request> TRANSACTION =
      r -> r.method().equals("POST") && r.pathAndQuery().equals("/fhir");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @BeforeEach
  void seed(SandboxServer ehr, Registry registry) {
    SyncTesting.seed(ehr, registry);
  }

  @Test
  void killedMidPullThenRerunGivesTheUninterruptedResult(SandboxServer ehr, Registry registry)
      throws Exception {
    try (FaultProxy slowEhr = FaultProxy.start(ehr.baseUrl())) {
      String source = slowEhr.baseUrl(ehr.baseUrl());
      CliRun reference =
          CliRun.of(args(source, registry.baseUrl(), "reference-store", "reference"));
      assertThat(reference.exitCode()).as(reference.err()).isZero();
      slowEhr.on(PATIENT_READ, Integer.MAX_VALUE, new Delay(400));
      int before = slowEhr.seen().size();

      Process sync = child(args(source, registry.baseUrl(), "store", "killed"));
      waitUntil(() -> slowEhr.seen().stream().skip(before).filter(PATIENT_READ).count() >= 5, sync);
      sync.destroyForcibly();
      assertThat(sync.waitFor(30, TimeUnit.SECONDS)).isTrue();

      int storedAtKill;
      try (CohortStore store = CohortStore.open(storeUrl("store"), "", "")) {
        storedAtKill = store.patients("default").size();
        assertThat(store.source("default").orElseThrow().watermark())
            .as("no watermark before a publish")
            .isEmpty();
      }
      assertThat(storedAtKill)
          .as("killed mid-pull: some patients stored, not all")
          .isBetween(1, 11);
      assertThat(slowEhr.faultsServed()).isGreaterThanOrEqualTo(5);

      CliRun rerun = rerunAfterTheLeaseLapsed(source, registry.baseUrl(), "store", "rerun");

      assertThat(rerun.exitCode()).as(rerun.err()).isZero();
      assertThat(rerun.out())
          .contains(
              "12 candidates; fetched 12 ("
                  + (12 - storedAtKill)
                  + " new, 0 changed, "
                  + storedAtKill
                  + " unchanged)");
      assertSameResult("reference", "rerun");
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
    }
  }

  @Test
  void killedMidPublishThenRerunLeavesOneReport(SandboxServer ehr, Registry registry)
      throws Exception {
    CliRun reference =
        CliRun.of(args(ehr.baseUrl(), registry.baseUrl(), "reference-store", "reference"));
    assertThat(reference.exitCode()).as(reference.err()).isZero();
    try (FaultProxy slowRegistry = FaultProxy.start(registry.baseUrl())) {
      String destination = slowRegistry.baseUrl(registry.baseUrl());
      slowRegistry.on(TRANSACTION, 1, new Delay(3_000));

      Process sync = child(args(ehr.baseUrl(), destination, "store", "killed"));
      waitUntil(() -> slowRegistry.seen().stream().anyMatch(TRANSACTION), sync);
      sync.destroyForcibly();
      assertThat(sync.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(slowRegistry.faultsServed()).isEqualTo(1);
      try (CohortStore store = CohortStore.open(storeUrl("store"), "", "")) {
        assertThat(store.patients("default")).hasSize(12);
        assertThat(store.source("default").orElseThrow().watermark())
            .as("the publish did not finish")
            .isEmpty();
      }

      CliRun rerun = rerunAfterTheLeaseLapsed(ehr.baseUrl(), destination, "store", "rerun");

      assertThat(rerun.exitCode()).as(rerun.err()).isZero();
      assertThat(rerun.out())
          .contains("12 candidates; fetched 12 (0 new, 0 changed, 12 unchanged)");
      assertSameResult("reference", "rerun");
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
    }
  }

  private CliRun rerunAfterTheLeaseLapsed(String source, String registry, String store, String out)
      throws InterruptedException {
    // The killed process held the lock: it lapses one lease (1 s here) after its last renewal.
    Thread.sleep(1_500);
    return CliRun.of(args(source, registry, store, out));
  }

  /**
   * The same cohort table, results and report (the report's id, version and generation time aside).
   */
  private void assertSameResult(String expected, String actual) throws Exception {
    assertThat(Files.readString(dir.resolve(actual).resolve("cohort.csv")))
        .isEqualTo(Files.readString(dir.resolve(expected).resolve("cohort.csv")));
    assertThat(withoutPublication(actual)).isEqualTo(withoutPublication(expected));
    assertThat(reportContent(actual)).isEqualTo(reportContent(expected));
  }

  private JsonNode withoutPublication(String out) throws Exception {
    ObjectNode results =
        (ObjectNode) JSON.readTree(Files.readString(dir.resolve(out).resolve("results.json")));
    results.remove("publication");
    return results;
  }

  private String reportContent(String out) throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    MeasureReport report =
        fhir.newJsonParser()
            .parseResource(
                MeasureReport.class,
                Files.readString(dir.resolve(out).resolve("measurereport.json")));
    report.setId((String) null);
    report.setMeta(null);
    report.setDateElement(null);
    report.getEvaluatedResource().clear();
    return fhir.newJsonParser().encodeResourceToString(report);
  }

  private String[] args(String source, String registry, String store, String out) {
    return SyncTesting.syncArgs(
        source,
        registry,
        storeUrl(store),
        "--out",
        dir.resolve(out).toString(),
        "--set",
        "llm.sync.lock-seconds=1");
  }

  private String storeUrl(String name) {
    return SyncTesting.storeUrl(dir, name);
  }

  private Process child(String... args) throws Exception {
    return new ProcessBuilder(ChildJvm.command(ChildJvm.quickStart("-Xmx512m"), args))
        .redirectOutput(dir.resolve("child.out").toFile())
        .redirectError(dir.resolve("child.err").toFile())
        .start();
  }

  private void waitUntil(BooleanSupplier reached, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!reached.getAsBoolean()) {
      assertThat(process.isAlive())
          .as(
              "the sync ended before the point it was to be killed at:\n"
                  + Files.readString(dir.resolve("child.err")))
          .isTrue();
      assertThat(System.nanoTime())
          .as("waited 2 minutes for the sync to get there")
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
