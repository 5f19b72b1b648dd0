package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedRegistry;
import org.llmfhiradapter.sandbox.SharedRegistry.Registry;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;

/**
 * {@code serve}: syncs on its schedule, and says how they went on Camel's health and Prometheus
 * endpoints, over HTTP on loopback.
 */
@ExtendWith({SharedSandbox.class, SharedRegistry.class})
class ServeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void syncsOnItsScheduleAndReportsTheLastSyncInHealthAndMetrics(
      SandboxServer ehr, Registry registry) throws Exception {
    SandboxData.resetAndSeed(ehr, SandboxData.FIXTURES.resolve("small"));
    SandboxData.reset(registry.server());
    int port = freePort();
    try (FaultProxy flakyRegistry = FaultProxy.start(registry.baseUrl());
        SyncServer server =
            SyncServer.start(
                FhirContext.forR4Cached(), settings(ehr, flakyRegistry, registry, port))) {
      String base = "http://127.0.0.1:" + port + "/observe";

      JsonNode sync =
          await(base, check -> check.at("/data/last_status").asText().equals("published"));
      assertThat(sync.at("/status").asText()).isEqualTo("UP");
      assertThat(sync.at("/data/next_run").asText()).isNotEmpty();
      assertThat(sync.at("/data/last_success_age_seconds").isNumber()).isTrue();
      String metrics = get(base + "/metrics").body();
      assertThat(metrics)
          .contains("llm_sync_runs_total{status=\"published\"}")
          .contains("llm_sync_last_success_timestamp_seconds")
          .contains("camel_exchanges_total");

      // The registry starts refusing: the next scheduled sync fails, and health says so.
      flakyRegistry.on(
          r -> r.method().equals("POST"),
          Integer.MAX_VALUE,
          new Answer(422, Map.of(), "{\"resourceType\":\"OperationOutcome\"}"));
      JsonNode failed =
          await(base, check -> check.at("/data/last_status").asText().equals("failed"));

      assertThat(flakyRegistry.faultsServed()).isPositive();
      assertThat(failed.at("/status").asText()).isEqualTo("DOWN");
      assertThat(failed.at("/message").asText())
          .startsWith("the last sync failed: Publishing the results");
      assertThat(get(base + "/health").statusCode()).isEqualTo(503);
      assertThat(get(base + "/metrics").body()).contains("llm_sync_runs_total{status=\"failed\"}");
    }
  }

  private Settings settings(
      SandboxServer ehr, FaultProxy flakyRegistry, Registry registry, int port) {
    return Settings.load(
        null,
        Map.of(),
        Map.ofEntries(
            Map.entry("llm.source.base-url", ehr.baseUrl()),
            Map.entry("llm.publish.base-url", flakyRegistry.baseUrl(registry.baseUrl())),
            Map.entry("llm.store.url", "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath()),
            Map.entry("llm.sync.schedule", "0/2 * * * * ?"),
            Map.entry("llm.serve.port", String.valueOf(port)),
            Map.entry("llm.pipeline.routes", "../routes"),
            Map.entry("llm.pipeline.data-cutoff", "2024-12-31"),
            Map.entry("llm.source.retry.max-attempts", "2"),
            Map.entry("llm.source.retry.initial-wait-ms", "50")));
  }

  /** The sync check of /observe/health once it satisfies {@code until} (within a minute). */
  private JsonNode await(String base, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      JsonNode health = JSON.readTree(get(base + "/health?data=true").body());
      for (JsonNode check : health.at("/checks")) {
        if (check.at("/name").asText().equals("sync") && until.test(check)) {
          return check;
        }
      }
      assertThat(System.nanoTime()).as("health never got there: " + health).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
