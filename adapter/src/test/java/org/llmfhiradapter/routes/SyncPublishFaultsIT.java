package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;
import org.llmfhiradapter.testing.FaultProxy.CutConnection;
import org.llmfhiradapter.testing.FaultProxy.Request;

/**
 * The registry is a server like any other: its answers fail as an EHR's do, and its credentials are
 * its own. Each fault test asserts that its faults were served.
 */
@ExtendWith({SharedSandbox.class, SharedRegistry.class})
class SyncPublishFaultsIT {

  private static final String REPORT = SyncTesting.REPORT;
  private static final Predicate<Request> TRANSACTION =
      r -> r.method().equals("POST") && r.pathAndQuery().equals("/fhir");

  @TempDir Path dir;

  @BeforeEach
  void seed(SandboxServer ehr, Registry registry) {
    SyncTesting.seed(ehr, registry);
  }

  @Test
  void throttledUnavailableAndDroppedPublishesArriveOnce(SandboxServer ehr, Registry registry)
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.baseUrl())) {
      proxy.on(
          TRANSACTION,
          1,
          new Answer(429, Map.of("Retry-After", "1"), "{\"resourceType\":\"OperationOutcome\"}"));
      proxy.on(TRANSACTION, 1, new Answer(503, Map.of(), ""));
      proxy.on(TRANSACTION, 1, new CutConnection());

      CliRun run = sync(ehr.baseUrl(), proxy.baseUrl(registry.baseUrl()));

      assertThat(proxy.faultsServed()).isEqualTo(3);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(SandboxData.count(registry.server(), "MeasureReport", REPORT)).isEqualTo(1);
      assertThat(SandboxData.count(registry.server(), "Provenance", "")).isEqualTo(1);
      assertThat(SandboxData.count(registry.server(), "Group", "")).isEqualTo(1);
      assertThat(SandboxData.count(registry.server(), "Device", "")).isEqualTo(1);
    }
  }

  @Test
  void eachServerGetsOnlyItsOwnCredentials(SandboxServer ehr, Registry registry) throws Exception {
    Path password = Files.writeString(dir.resolve("ehr-password"), "ehr-s3cret\n");
    Path token = Files.writeString(dir.resolve("registry-token"), "registry-t0ken\n");
    try (FaultProxy ehrProxy = FaultProxy.start(ehr.baseUrl());
        FaultProxy registryProxy = FaultProxy.start(registry.baseUrl())) {
      CliRun run =
          sync(
              ehrProxy.baseUrl(ehr.baseUrl()),
              registryProxy.baseUrl(registry.baseUrl()),
              "--set",
              "llm.source.auth.mode=basic",
              "--set",
              "llm.source.auth.basic-user=researcher",
              "--set",
              "llm.source.auth.basic-password-file=" + password,
              "--set",
              "llm.publish.auth.mode=bearer",
              "--set",
              "llm.publish.auth.bearer-token-file=" + token);

      assertThat(run.exitCode()).as(run.err()).isZero();
      String basic =
          "Basic "
              + java.util.Base64.getEncoder().encodeToString("researcher:ehr-s3cret".getBytes());
      assertThat(ehrProxy.seen())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.authorization()).isEqualTo(basic));
      assertThat(registryProxy.seen())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer registry-t0ken"));
      assertThat(run.out() + run.err())
          .doesNotContain("ehr-s3cret")
          .doesNotContain("registry-t0ken");
    }
  }

  private CliRun sync(String source, String registry, String... more) {
    List<String> options = new ArrayList<>(List.of("--set", "llm.source.retry.max-attempts=5"));
    options.addAll(List.of(more));
    return CliRun.of(
        SyncTesting.syncArgs(
            source, registry, SyncTesting.storeUrl(dir, "store"), options.toArray(String[]::new)));
  }
}
