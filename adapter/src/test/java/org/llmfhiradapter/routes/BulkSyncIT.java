package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedRegistry;
import org.llmfhiradapter.sandbox.SharedRegistry.Registry;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.sandbox.VendorPersonality;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.LogCapture;

/**
 * The registry sync by Bulk Data: the first sync exports the Group, the next ones ask with {@code
 * _since} only for what changed and export the changed patients' records alone, and the cohort is
 * the one a full pull gives.
 */
@ExtendWith({SharedSandbox.class, SharedRegistry.class})
class BulkSyncIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @BeforeEach
  void seed(SandboxServer ehr, Registry registry) {
    ehr.personality(VendorPersonality.Kind.NONE);
    SyncTesting.seed(ehr, registry);
  }

  @Test
  void anIncrementalExportBringsOnlyTheChangesAndTheCohortOfAFullPull(
      SandboxServer ehr, Registry registry) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      String source = proxy.baseUrl(ehr.baseUrl());
      CliRun first = sync(source, registry, "first", "store");
      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("(full): 12 candidates; fetched 12 (12 new");
      changeTwoPatients(ehr);
      int before = proxy.seen().size();

      CliRun second;
      List<String> logged;
      try (LogCapture logs = LogCapture.start()) {
        second = sync(source, registry, "second", "store");
        logged = logs.lines();
      }

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out())
          .contains("(incremental): 12 candidates; fetched 2 (0 new, 2 changed, 0 unchanged)");
      List<String> asked =
          proxy.seen().subList(before, proxy.seen().size()).stream()
              .map(
                  r ->
                      r.method()
                          + " "
                          + URLDecoder.decode(r.pathAndQuery(), StandardCharsets.UTF_8))
              .toList();
      // One _since export of the Group, then the two changed patients' records exported by name; no
      // search.
      assertThat(asked)
          .filteredOn(a -> a.contains("$export?"))
          .singleElement()
          .satisfies(
              a ->
                  assertThat(a)
                      .startsWith("GET /fhir/Group/" + FixtureSeeder.CANDIDATES_GROUP)
                      .contains("_since=")
                      .contains("_typeFilter=Observation?code="));
      assertThat(asked).contains("POST /fhir/Patient/$export");
      assertThat(asked)
          .noneMatch(a -> a.contains("patient=") || a.startsWith("GET /fhir/Patient/"));
      // The _since export held the two changed resources, and the Condition the changed Observation
      // is about (the Bulk Data spec lets a server add what a changed resource refers to), of the
      // 124 a full export holds.
      assertThat(logged)
          .filteredOn(l -> l.contains("Bulk export:") && l.contains("downloaded"))
          .first()
          .asString()
          .contains(
              "Bulk export: 3 resources of 2 patients downloaded {Condition=2, Observation=1}");

      CliRun full = sync(source, registry, "full", "fresh-store");
      assertThat(full.exitCode()).as(full.err()).isZero();
      assertThat(full.out()).contains("(full)");
      for (String file : List.of("cohort.csv", "exclusions.csv", "summary.txt", "report.html")) {
        // The summary's last line names the MeasureReport: created by one sync, updated by the
        // other.
        assertThat(withoutReportLine(Files.readString(dir.resolve("second").resolve(file))))
            .as(file)
            .isEqualTo(withoutReportLine(Files.readString(dir.resolve("full").resolve(file))));
      }
      assertThat(withoutPublication(results("second")))
          .isEqualTo(withoutPublication(results("full")));
      assertThat(results("second").at("/cohort/included").asInt())
          .isEqualTo(results("first").at("/cohort/included").asInt() - 1);
    }
  }

  @Test
  void theNextSinceStartsAtTheExportsTransactionTimeOnTheServersClock(
      SandboxServer ehr, Registry registry) throws Exception {
    // The EHR's clock two hours behind the adapter's, as its manifest says: changes it stamps in
    // the next two hours would fall before a watermark taken from the adapter's clock.
    Instant serverTime = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      manifestsSay(proxy, serverTime.toString());
      String source = proxy.baseUrl(ehr.baseUrl());
      CliRun first = sync(source, registry, "first", "store");
      assertThat(first.exitCode()).as(first.err()).isZero();
      int before = proxy.seen().size();

      CliRun second = sync(source, registry, "second", "store");

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(proxy.seen().subList(before, proxy.seen().size()))
          .map(r -> URLDecoder.decode(r.pathAndQuery(), StandardCharsets.UTF_8))
          .filteredOn(path -> path.contains("$export?"))
          .singleElement()
          .asString()
          // (llm.sync.overlap-seconds is 0 here)
          .contains("_since=" + serverTime);
    }
  }

  @Test
  void aTransactionTimeFarFromAnyClockIsNotTakenForTheWatermark(
      SandboxServer ehr, Registry registry) throws Exception {
    // A server bug, not a clock that is off: taken as it is, no later sync would see a change.
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      manifestsSay(proxy, "2099-01-01T00:00:00Z");
      String source = proxy.baseUrl(ehr.baseUrl());
      Instant before = Instant.now();
      CliRun first;
      List<String> logged;
      try (LogCapture logs = LogCapture.start()) {
        first = sync(source, registry, "first", "store");
        logged = logs.lines();
      }
      Instant after = Instant.now();
      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(logged).anyMatch(l -> l.startsWith("WARN") && l.contains("2099-01-01T00:00:00Z"));
      int asked = proxy.seen().size();

      CliRun second = sync(source, registry, "second", "store");

      assertThat(second.exitCode()).as(second.err()).isZero();
      String since =
          proxy.seen().subList(asked, proxy.seen().size()).stream()
              .map(r -> URLDecoder.decode(r.pathAndQuery(), StandardCharsets.UTF_8))
              .filter(path -> path.contains("$export?"))
              .findFirst()
              .orElseThrow()
              .replaceAll(".*_since=([^&]*).*", "$1");
      // This machine's time at the first sync's start.
      assertThat(Instant.parse(since)).isBetween(before, after);
    }
  }

  @Test
  void onEpicTheChangedPatientsAreReadBySearchAfterTheSinceExport(
      SandboxServer ehr, Registry registry) throws Exception {
    SandboxData.reset(ehr);
    new FixtureSeeder(
            ca.uhn.fhir.context.FhirContext.forR4Cached(), org.llmfhiradapter.fixtures.Flavor.EPIC)
        .seed(ehr.baseUrl(), SandboxData.FIXTURES.resolve("small"));
    ehr.personality(VendorPersonality.Kind.EPIC);
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      String source = proxy.baseUrl(ehr.baseUrl());
      assertThat(
              sync(source, registry, "first", "store", "--set", "llm.source.vendor=epic")
                  .exitCode())
          .isZero();
      changeTwoPatients(ehr);
      int before = proxy.seen().size();

      CliRun second = sync(source, registry, "second", "store", "--set", "llm.source.vendor=epic");

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out()).contains("fetched 2 (0 new, 2 changed, 0 unchanged)");
      List<String> asked =
          proxy.seen().subList(before, proxy.seen().size()).stream()
              .map(r -> URLDecoder.decode(r.pathAndQuery(), StandardCharsets.UTF_8))
              .toList();
      assertThat(asked)
          .filteredOn(a -> a.contains("$export"))
          .allMatch(a -> !a.contains("/Patient/$export"));
      assertThat(asked).filteredOn(a -> a.startsWith("/fhir/Patient/")).hasSize(2);
      CliRun full =
          sync(source, registry, "full", "fresh-store", "--set", "llm.source.vendor=epic");
      assertThat(full.exitCode()).as(full.err()).isZero();
      assertThat(withoutPublication(results("second")))
          .isEqualTo(withoutPublication(results("full")));
    } finally {
      ehr.personality(VendorPersonality.Kind.NONE);
    }
  }

  /**
   * d001's largest metastasis is remeasured; d002's liver-metastasis diagnosis was entered in
   * error.
   */
  private static void changeTwoPatients(SandboxServer ehr) {
    Observation size =
        SandboxData.client(ehr)
            .read()
            .resource(Observation.class)
            .withId("d001-llm-size")
            .execute();
    size.setValue(
        new Quantity(8.2).setUnit("cm").setSystem("http://unitsofmeasure.org").setCode("cm"));
    SandboxData.client(ehr).update().resource(size).execute();
    Condition llm =
        SandboxData.client(ehr).read().resource(Condition.class).withId("d002-llm").execute();
    llm.setVerificationStatus(
        new CodeableConcept()
            .addCoding(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "entered-in-error",
                    "Entered in Error")));
    SandboxData.client(ehr).update().resource(llm).execute();
  }

  private CliRun sync(String source, Registry registry, String out, String store, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                SyncTesting.syncArgs(
                    source,
                    registry.baseUrl(),
                    SyncTesting.storeUrl(dir, store),
                    "--out",
                    dir.resolve(out).toString(),
                    "--set",
                    "llm.sync.overlap-seconds=0",
                    "--set",
                    "llm.source.mode=bulk",
                    "--set",
                    "llm.source.patients=group:" + FixtureSeeder.CANDIDATES_GROUP,
                    "--set",
                    "llm.source.bulk.max-poll-interval-seconds=1")));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private JsonNode results(String out) throws Exception {
    return JSON.readTree(Files.readString(dir.resolve(out).resolve("results.json")));
  }

  private static String withoutReportLine(String text) {
    return text.replaceAll("MeasureReport (created|updated): \\S+", "MeasureReport ...");
  }

  private static JsonNode withoutPublication(JsonNode results) {
    ObjectNode copy = results.deepCopy();
    copy.remove("publication");
    return copy;
  }

  /** Every export manifest the EHR sends says {@code transactionTime}, as a server may have it. */
  private static void manifestsSay(FaultProxy proxy, String transactionTime) {
    proxy.on(
        r -> r.pathAndQuery().contains("$export-poll-status") && r.method().equals("GET"),
        Integer.MAX_VALUE,
        new FaultProxy.Rewrite(
            manifest ->
                manifest.replaceFirst(
                    "\"transactionTime\"\\s*:\\s*\"[^\"]*\"",
                    "\"transactionTime\":\"" + transactionTime + "\"")));
  }
}
