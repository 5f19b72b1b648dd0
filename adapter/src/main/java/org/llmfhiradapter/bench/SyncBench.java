package org.llmfhiradapter.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.routes.SyncRunner;
import org.llmfhiradapter.source.FhirConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench sync}: what an incremental sync costs against a full pull of the same cohort, in the
 * same run. A separate embedded-server process is seeded with N generated patients; this JVM (its
 * heap the adapter's alone) then runs (1) a full sync into a fresh store, the baseline, (2) after
 * changing one Observation of a given share of the patients, an incremental sync. Both publish to a
 * second, empty server standing in for the registry. Reported for each: FHIR requests, wall time,
 * patients fetched, peak heap in use and the most still live after a collection; and the
 * incremental's ratios to the full one.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description =
        "Incremental sync against a full pull of the same cohort: requests, wall time, peak heap.")
final class SyncBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--patients", paramLabel = "N", description = "Cohort size (default: 10000).")
  int size = 10_000;

  @Option(
      names = "--changed-percent",
      paramLabel = "P",
      description = "Share of patients changed (default: 1).")
  double changedPercent = 1;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      description = "Patients in flight (default: 4).")
  int concurrency = 4;

  private record Measured(
      long requests, double seconds, int fetched, double peakMb, double liveMb) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = new PrintWriter(spec.commandLine().getOut());
    Path work = Files.createTempDirectory("llm-bench-sync-");
    Files.writeString(work.resolve("cases.csv"), PullBench.csv(size));
    out.printf(
        Locale.ROOT,
        "Seeding an embedded server with %d generated patients, and starting an empty one as the"
            + " registry (processes of their own)...%n",
        size);
    out.flush();
    Process sandbox = PullBench.startSandbox(spec, work);
    Process registry = PullBench.startSandbox(spec, "--empty");
    try {
      String baseUrl = PullBench.readBaseUrl(sandbox);
      String registryUrl = PullBench.readBaseUrl(registry);
      Settings settings =
          Settings.defaults()
              .with("llm.source.base-url", baseUrl)
              .with("llm.publish.base-url", registryUrl)
              .with("llm.store.url", "jdbc:h2:file:" + work.resolve("store").toAbsolutePath())
              .with("llm.sync.overlap-seconds", "0")
              .with("llm.pipeline.concurrency", String.valueOf(concurrency))
              .with("llm.pipeline.progress-seconds", "3600");
      SyncRunner runner = new SyncRunner(FhirContext.forR4Cached());

      Measured full = measure(() -> runner.sync(settings, true).counts().fetched());
      int changed = changeObservations(baseUrl, (int) Math.round(size * changedPercent / 100));
      Measured incremental = measure(() -> runner.sync(settings, false).counts().fetched());

      out.printf(
          Locale.ROOT,
          "%-12s %10s %10s %10s %10s %10s%n",
          "",
          "requests",
          "seconds",
          "fetched",
          "peak MB",
          "live MB");
      row(out, "full", full);
      row(out, "incremental", incremental);
      out.printf(
          Locale.ROOT,
          "%-12s %10.3f %10.3f%n",
          "ratio",
          (double) incremental.requests() / full.requests(),
          incremental.seconds() / full.seconds());
      out.printf(
          Locale.ROOT,
          "%d patients of %d changed (one Observation each); the incremental sync fetched %d.%n",
          changed,
          size,
          incremental.fetched());
      out.flush();
      return incremental.fetched() == changed ? 0 : 1;
    } finally {
      sandbox.destroy();
      registry.destroy();
    }
  }

  private static void row(PrintWriter out, String name, Measured m) {
    out.printf(
        Locale.ROOT,
        "%-12s %10d %10.1f %10d %10.0f %10.0f%n",
        name,
        m.requests(),
        m.seconds(),
        m.fetched(),
        m.peakMb(),
        m.liveMb());
  }

  private interface Sync {
    int run() throws Exception;
  }

  private static Measured measure(Sync sync) throws Exception {
    long requests = FhirConnection.requestsSent();
    PullBench.Memory.reset();
    long start = System.nanoTime();
    int fetched = sync.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    PullBench.Memory.Peak peak = PullBench.Memory.stop();
    return new Measured(
        FhirConnection.requestsSent() - requests,
        seconds,
        fetched,
        peak.sampledMb(),
        peak.liveMb());
  }

  /**
   * Changes the largest-LLM-size Observation of every k-th patient (a new value), over plain HTTP,
   * as the EHR would record a corrected measurement. Returns how many patients were changed.
   */
  private static int changeObservations(String baseUrl, int count) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> observations = new ArrayList<>();
    for (JsonNode page :
        PullBench.pages(
            client, json, baseUrl + "/Observation?code=http://loinc.org%7C33728-7&_count=500")) {
      page.path("entry").forEach(e -> observations.add(e.path("resource")));
      if (observations.size() >= count) {
        break;
      }
    }
    int changed = 0;
    for (JsonNode observation : observations.subList(0, Math.min(count, observations.size()))) {
      ObjectNode value = (ObjectNode) observation.path("valueQuantity");
      value.put("value", value.path("value").asDouble() + 0.5);
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(baseUrl + "/Observation/" + observation.path("id").asText()))
                  .header("Content-Type", "application/fhir+json")
                  .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(observation)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "HTTP " + response.statusCode() + " changing a benchmark Observation");
      }
      changed++;
    }
    return changed;
  }
}
