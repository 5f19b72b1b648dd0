package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
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
import org.llmfhiradapter.store.SyncLease;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;
import org.llmfhiradapter.testing.LogCapture;

/**
 * The registry sync end to end, over HTTP between two real servers: the shared sandbox is the EHR,
 * a second embedded server the registry. The EHR sits behind a proxy that counts what the sync asks
 * for.
 */
@ExtendWith({SharedSandbox.class, SharedRegistry.class})
class SyncIT {

  private static final String CUTOFF = SyncTesting.CUTOFF;
  private static final String REPORT = SyncTesting.REPORT;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @BeforeEach
  void seed(SandboxServer ehr, Registry registry) {
    SyncTesting.seed(ehr, registry);
  }

  @Test
  void theFirstSyncPublishesTheCohortToTheRegistryWithItsProvenance(
      SandboxServer ehr, Registry registry) throws Exception {
    CliRun run = sync(ehr.baseUrl(), registry, "first");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Sync run 1 (full): 12 candidates; fetched 12 (12 new, 0 changed, 0 unchanged)");
    assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
    assertThat(SandboxData.count(ehr, "MeasureReport", REPORT))
        .as("nothing written to the EHR")
        .isZero();

    Provenance provenance = only(registry, "Provenance", Provenance.class);
    assertThat(provenance.getTarget())
        .extracting(r -> r.getReferenceElement().getResourceType())
        .containsExactlyInAnyOrder("MeasureReport", "Group");
    assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue())
        .isEqualTo(ehr.baseUrl());
    assertThat(provenance.getOccurredPeriod().getEndElement().getValueAsString()).isEqualTo(CUTOFF);
    assertThat(provenance.getAgentFirstRep().getWho().getReference()).startsWith("Device/");

    // The Group names the EHR's records by logical reference: the registry gets no Patient of its
    // own.
    Group group = only(registry, "Group", Group.class);
    assertThat(group.getMember())
        .hasSize(10)
        .allSatisfy(
            m -> {
              assertThat(m.getEntity().hasReference()).isFalse();
              assertThat(m.getEntity().getIdentifier().getSystem())
                  .isEqualTo(ehr.baseUrl() + "/Patient");
            });
    assertThat(SandboxData.count(registry.server(), "Patient", "_lastUpdated=gt2000-01-01"))
        .isZero();

    JsonNode results = results("first");
    assertThat(results.at("/adapter_version").asText()).isNotEmpty();
    assertThat(results.at("/sources/0/base_url").asText()).isEqualTo(ehr.baseUrl());
    assertThat(results.at("/sources/0/vendor").asText()).isEqualTo("generic");
  }

  @Test
  void aSyncWithNothingChangedFetchesNoPatientAndPublishesTheSameReport(
      SandboxServer ehr, Registry registry) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      String source = proxy.baseUrl(ehr.baseUrl());
      assertThat(sync(source, registry, "first").exitCode()).isZero();
      int before = proxy.seen().size();

      CliRun second = sync(source, registry, "second");

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out())
          .contains("(incremental): 12 candidates; fetched 0 (0 new, 0 changed, 0 unchanged)");
      List<String> asked = paths(proxy.seen().subList(before, proxy.seen().size()));
      assertThat(asked).noneMatch(p -> p.contains("/Patient/") || p.contains("patient="));
      assertThat(asked).hasSize(5).anyMatch(p -> p.startsWith("/fhir/Condition?code="));
      assertThat(withoutPublication(results("second")))
          .isEqualTo(withoutPublication(results("first")));
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
    }
  }

  @Test
  void oneChangedObservationFetchesOnlyThatPatientAndChangesTheReport(
      SandboxServer ehr, Registry registry) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(ehr.baseUrl())) {
      String source = proxy.baseUrl(ehr.baseUrl());
      assertThat(sync(source, registry, "first").exitCode()).isZero();
      Observation size =
          SandboxData.client(ehr)
              .read()
              .resource(Observation.class)
              .withId("d001-llm-size")
              .execute();
      size.setValue(
          new Quantity(8.2).setUnit("cm").setSystem("http://unitsofmeasure.org").setCode("cm"));
      SandboxData.client(ehr).update().resource(size).execute();
      int before = proxy.seen().size();

      CliRun second;
      try (LogCapture logs = LogCapture.start()) {
        second = sync(source, registry, "second");
        assertThat(logs.lines())
            .as("no record id in the log")
            .isNotEmpty()
            .noneMatch(l -> l.matches(".*\\bd0\\d\\d\\b.*"));
      }

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out()).contains("fetched 1 (0 new, 1 changed, 0 unchanged); 0 removed");
      List<String> reads =
          paths(proxy.seen().subList(before, proxy.seen().size())).stream()
              .filter(p -> p.contains("/Patient/") || p.contains("patient="))
              .toList();
      assertThat(reads).isNotEmpty().allMatch(p -> p.contains("d001"));
      assertThat(reads).filteredOn(p -> p.contains("/Patient/")).hasSize(1);
      int under5Before = results("first").at("/variables/largest_llm_lt_5cm/n_true").asInt();
      assertThat(results("second").at("/variables/largest_llm_lt_5cm/n_true").asInt())
          .isEqualTo(under5Before - 1);
      MeasureReport report = only(registry, "MeasureReport", MeasureReport.class);
      assertThat(report.getMeta().getVersionId()).isEqualTo("2");
    }
  }

  @Test
  void aConditionMarkedEnteredInErrorTakesThePatientOutOfTheCohort(
      SandboxServer ehr, Registry registry) throws Exception {
    assertThat(sync(ehr.baseUrl(), registry, "first").exitCode()).isZero();
    Condition llm =
        SandboxData.client(ehr).read().resource(Condition.class).withId("d001-llm").execute();
    llm.setVerificationStatus(
        new CodeableConcept()
            .addCoding(
                new org.hl7.fhir.r4.model.Coding(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "entered-in-error",
                    "Entered in Error")));
    SandboxData.client(ehr).update().resource(llm).execute();

    CliRun second = sync(ehr.baseUrl(), registry, "second");

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("fetched 1 (0 new, 1 changed, 0 unchanged)");
    assertThat(results("second").at("/cohort/included").asInt())
        .isEqualTo(results("first").at("/cohort/included").asInt() - 1);
    assertThat(Files.readString(dir.resolve("second/exclusions.csv"))).contains("Patient/d001");
  }

  @Test
  void aPatientWhoIsNoLongerACandidateLeavesTheStore(SandboxServer ehr, Registry registry)
      throws Exception {
    assertThat(sync(ehr.baseUrl(), registry, "first").exitCode()).isZero();
    // d011 has no hepatic resection (excluded). Its liver-metastasis diagnosis is recoded (a lung
    // metastasis, as a chart correction would), so it is no candidate at all any more.
    Condition llm =
        SandboxData.client(ehr).read().resource(Condition.class).withId("d011-llm").execute();
    llm.setCode(
        new CodeableConcept()
            .addCoding(
                new org.hl7.fhir.r4.model.Coding(
                    "http://snomed.info/sct", "94391008", "Secondary neoplasm of lung")));
    SandboxData.client(ehr).update().resource(llm).execute();

    CliRun second = sync(ehr.baseUrl(), registry, "second");

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("11 candidates").contains("1 removed");
    assertThat(results("second").at("/cohort/pulled").asInt()).isEqualTo(11);
  }

  @Test
  void aSyncStartedWhileAnotherRunsExitsWithCodeThreeAndDoesNothing(
      SandboxServer ehr, Registry registry) throws Exception {
    try (CohortStore store = CohortStore.open(storeUrl(), "", "");
        SyncLease running = store.lock("other-host pid 42", Duration.ofMinutes(5))) {
      CliRun second = sync(ehr.baseUrl(), registry, "second");

      assertThat(second.exitCode()).isEqualTo(3);
      assertThat(second.err().strip())
          .startsWith("error: Another sync is running (other-host pid 42)");
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isZero();
    }
  }

  @Test
  void aRefusedPublishLeavesTheWatermarkAndTheNextSyncPublishes(
      SandboxServer ehr, Registry registry) throws Exception {
    try (FaultProxy refusing = FaultProxy.start(registry.baseUrl())) {
      refusing.on(
          r -> r.method().equals("POST"),
          1,
          new Answer(
              422,
              Map.of(),
              "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                  + "\"code\":\"processing\",\"diagnostics\":\"refused\"}]}"));

      CliRun failed = sync(ehr.baseUrl(), refusing.baseUrl(registry.baseUrl()), "failed");

      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(refusing.faultsServed()).isEqualTo(1);
      try (CohortStore store = CohortStore.open(storeUrl(), "", "")) {
        assertThat(store.source("default").orElseThrow().watermark()).isEmpty();
        assertThat(store.runs(1).get(0).status()).isEqualTo("failed");
      }
      CliRun next = sync(ehr.baseUrl(), refusing.baseUrl(registry.baseUrl()), "next");

      assertThat(next.exitCode()).as(next.err()).isZero();
      // The store kept every outcome of the failed sync: nothing to map again, and no watermark, so
      // all fetched.
      assertThat(next.out())
          .contains("(full): 12 candidates; fetched 12 (0 new, 0 changed, 12 unchanged)");
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
    }
  }

  @Test
  void severalSourcesAreOneCohortWithAWatermarkEach(SandboxServer ehr, Registry registry)
      throws Exception {
    try (FaultProxy second = FaultProxy.start(ehr.baseUrl())) {
      // Two servers as far as the adapter can tell: the EHR, and the same data at another address,
      // of which a patient list takes two patients. Nobody is matched across sources: d001 and d002
      // count twice.
      Path list = Files.writeString(dir.resolve("second.txt"), "d001\nd002\n");
      String[] sources = {
        "--set",
        "llm.sources.main.base-url=" + ehr.baseUrl(),
        "--set",
        "llm.sources.second.base-url=" + second.baseUrl(ehr.baseUrl()),
        "--set",
        "llm.sources.second.patients=file:" + list,
        "--set",
        "llm.sync.overlap-seconds=0",
        "--set",
        "llm.store.url=" + storeUrl(),
        "--set",
        "llm.pipeline.routes=../routes",
        "--set",
        "llm.pipeline.data-cutoff=" + CUTOFF,
        "--publish-url",
        registry.baseUrl()
      };

      CliRun first =
          CliRun.of(
              concat(new String[] {"sync", "--out", dir.resolve("first").toString()}, sources));
      CliRun again =
          CliRun.of(
              concat(new String[] {"sync", "--out", dir.resolve("again").toString()}, sources));

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("14 candidates; fetched 14 (14 new");
      assertThat(results("first").at("/cohort/pulled").asInt()).isEqualTo(14);
      assertThat(results("first").at("/sources"))
          .extracting(s -> s.at("/name").asText())
          .containsExactly("main", "second");
      assertThat(again.exitCode()).as(again.err()).isZero();
      assertThat(again.out()).contains("(incremental): 14 candidates; fetched 0");
      try (CohortStore store = CohortStore.open(storeUrl(), "", "")) {
        assertThat(store.source("main").orElseThrow().watermark()).isPresent();
        assertThat(store.source("second").orElseThrow().watermark()).isPresent();
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }

  @Test
  void epicWithoutARegistryIsRefusedBeforeAnythingIsPulled(SandboxServer ehr) {
    CliRun run =
        CliRun.of(
            "sync",
            "--base-url",
            ehr.baseUrl(),
            "--set",
            "llm.source.vendor=epic",
            "--set",
            "llm.source.patients=group:x",
            "--set",
            "llm.store.url=" + storeUrl());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith(
            "error: llm.source.vendor=epic: epic accepts no MeasureReport writes, so the results need a"
                + " destination: set llm.publish.base-url");
  }

  private CliRun sync(String source, Registry registry, String out) {
    return sync(source, registry.baseUrl(), out);
  }

  private CliRun sync(String source, String registry, String out) {
    return CliRun.of(
        SyncTesting.syncArgs(
            source,
            registry,
            storeUrl(),
            "--out",
            dir.resolve(out).toString(),
            "--set",
            "llm.sync.overlap-seconds=0"));
  }

  private String storeUrl() {
    return SyncTesting.storeUrl(dir, "store");
  }

  private JsonNode results(String out) throws Exception {
    return JSON.readTree(Files.readString(dir.resolve(out).resolve("results.json")));
  }

  private static JsonNode withoutPublication(JsonNode results) {
    JsonNode copy = results.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("publication");
    return copy;
  }

  private static List<String> paths(List<FaultProxy.Request> requests) {
    return requests.stream()
        .map(FaultProxy.Request::pathAndQuery)
        .map(p -> java.net.URLDecoder.decode(p, java.nio.charset.StandardCharsets.UTF_8))
        .toList();
  }

  private static <T extends org.hl7.fhir.r4.model.Resource> T only(
      Registry registry, String type, Class<T> kind) {
    Bundle found =
        SandboxData.client(registry.server())
            .search()
            .byUrl(type)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).as(type + " on the registry").hasSize(1);
    return kind.cast(found.getEntryFirstRep().getResource());
  }
}
