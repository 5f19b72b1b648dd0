package org.llmfhiradapter.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.conformance.ProfilePackage;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.RandomCases;
import org.llmfhiradapter.routes.PipelineRunner;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.source.Authentication;
import org.llmfhiradapter.source.FhirConnection;
import org.llmfhiradapter.source.FhirSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench pull}: the pull by per-patient searches and by Bulk Data export, each against its
 * floor, in the same run. For each size a separate embedded-server process is seeded with that many
 * generated patients (so that this JVM's heap is the adapter's alone). Then, per mode, in this JVM
 * and with the same concurrency:
 *
 * <ol>
 *   <li>the <b>floor</b>, a plain HTTP client doing the least the mode needs: for {@code search},
 *       every page the pull fetches, reading only the links it must follow; for {@code bulk}, the
 *       same export (kick-off, a poll a second, every NDJSON file read and thrown away);
 *   <li>the <b>pull</b>: the adapter's source stage alone ({@code FhirSource}: candidates, then
 *       every patient's record as the mapping gets it), with its peak heap;
 *   <li>the <b>job</b>: the adapter's whole job (pull, validate, map, analyze) with publishing off.
 * </ol>
 *
 * The bulk export is served by {@link BulkFileServer} (a finished export, from disk) unless {@code
 * --bulk-server sandbox} has the embedded HAPI server build it, whose time grows faster than the
 * Group. Reported per mode: the server's export time, the floor, the adapter's comparable part
 * (bulk: download and filing; search: the pull) and its ratio to the floor, the whole pull and the
 * search pull's time over it, FHIR requests and resources of the pull, its heap, and the job's
 * seconds. The pull's resources are equal across modes when both read the same records.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description =
        "Pull by search and by Bulk Data export against their floors (a raw fetch of the same data).")
final class PullBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--patients",
      split = ",",
      paramLabel = "N",
      description = "Cohort sizes (default: 1000,10000).")
  List<Integer> sizes = List.of(1000, 10000);

  @Option(
      names = "--mode",
      split = ",",
      paramLabel = "MODE",
      description = "search, bulk or both, comma-separated (default: search,bulk).")
  List<String> modes = List.of("search", "bulk");

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      description = "Patients in flight (default: 4).")
  int concurrency = 4;

  @Option(names = "--no-job", description = "Measure floor and pull only, not the whole job.")
  boolean noJob;

  @Option(
      names = "--sandbox-database",
      paramLabel = "JDBC_URL",
      description =
          "Where the embedded server keeps its data (llm.sandbox.database-url; default: in memory).")
  String sandboxDatabase = "";

  @Option(
      names = "--bulk-server",
      paramLabel = "KIND",
      description =
          "Who serves the bulk export: files (a finished export served from disk; default) or sandbox"
              + " (the embedded HAPI server building it).")
  String bulkServer = "files";

  @Option(
      names = "--link-mbit",
      paramLabel = "MBIT",
      description =
          "Bulk files served through a link of this many megabits a second, shared by all downloads"
              + " (default: 0, loopback speed).")
  double linkMbit;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description =
          "Bulk: floor and pull each run N times, the fastest counted (default: 3; the first warms up).")
  int repeat = 3;

  /**
   * The pull stage: its seconds in all; of them, the server building exports and the fetch proper
   * (bulk: the files streamed and filed by patient; search: the whole pull); requests; resources
   * read; heap.
   */
  private record Pulled(
      double seconds,
      double serverSeconds,
      double fetchSeconds,
      long requests,
      long resources,
      Memory.Peak peak) {}

  @Override
  public Integer call() throws Exception {
    if (!List.of("files", "sandbox").contains(bulkServer)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--bulk-server takes files or sandbox");
    }
    for (String mode : modes) {
      if (!List.of("search", "bulk").contains(mode)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--mode takes search or bulk, not " + mode);
      }
    }
    PrintWriter out = new PrintWriter(spec.commandLine().getOut());
    List<String> rows = new ArrayList<>();
    rows.add(
        String.format(
            Locale.ROOT,
            "%8s %-6s | %8s %8s %8s %8s | %8s %9s | %9s %10s %8s %8s | %8s",
            "patients",
            "mode",
            "server s",
            "floor s",
            "fetch s",
            "f/floor",
            "pull s",
            "vs search",
            "requests",
            "resources",
            "peak MB",
            "live MB",
            "job s"));
    FhirContext fhir = FhirContext.forR4Cached();
    List<String> codes = RoleClassifier.from(ProfilePackage.load(fhir)).observationCodes();
    for (int size : sizes) {
      Path fixtures = Files.createTempDirectory("llm-bench-");
      Files.writeString(fixtures.resolve("cases.csv"), csv(size));
      // The embedded server is seeded (minutes at 10,000) only when a mode reads from it.
      boolean needsSandbox = modes.contains("search") || bulkServer.equals("sandbox");
      Process sandbox =
          needsSandbox
              ? startSandbox(
                  spec,
                  "--fixtures",
                  fixtures.toString(),
                  "--set",
                  "llm.sandbox.database-url=" + sandboxDatabase)
              : null;
      try {
        String sandboxUrl = sandbox == null ? null : readBaseUrl(sandbox);
        BulkFileServer files =
            bulkServer.equals("files") && modes.contains("bulk")
                ? BulkFileServer.start(
                    RandomCases.rows(7, size, "b"),
                    Files.createDirectories(fixtures.resolve("export")),
                    linkMbit)
                : null;
        List<double[]> floors = new ArrayList<>();
        List<Pulled> pulls = new ArrayList<>();
        for (String mode : modes) {
          String baseUrl = mode.equals("bulk") && files != null ? files.baseUrl() : sandboxUrl;
          if (mode.equals("bulk")) {
            // The export's files, downloaded raw; the server's time to build the export is measured
            // apart. Both floor and pull take well under a second at loopback speed: the fastest of
            // a few runs of each.
            double[] floor = null;
            Pulled pull = null;
            for (int run = 0; run < Math.max(1, repeat); run++) {
              double[] raw = rawExport(baseUrl, codes, parallelDownloads());
              floor = floor == null || raw[1] < floor[1] ? raw : floor;
              Pulled pulled = pullStage(fhir, settings(baseUrl, mode), codes);
              pull = pull == null || pulled.fetchSeconds() < pull.fetchSeconds() ? pulled : pull;
            }
            floors.add(floor);
            pulls.add(pull);
          } else {
            rawFetch(
                baseUrl); // untimed: warms the server, so that the floor and the pull meet the same
            // server
            floors.add(new double[] {Double.NaN, rawFetch(baseUrl)});
            pulls.add(pullStage(fhir, settings(baseUrl, mode), codes));
          }
          out.printf(Locale.ROOT, "%d patients, %s: floor and pull done%n", size, mode);
          out.flush();
        }
        double searchPull =
            modes.contains("search") ? pulls.get(modes.indexOf("search")).seconds() : Double.NaN;
        // The jobs after every pull: the validator they load stays in this JVM and would weigh on a
        // later pull.
        for (int i = 0; i < modes.size(); i++) {
          Settings settings =
              settings(
                  modes.get(i).equals("bulk") && files != null ? files.baseUrl() : sandboxUrl,
                  modes.get(i));
          double job = noJob ? Double.NaN : seconds(() -> new PipelineRunner(fhir).run(settings));
          Pulled pulled = pulls.get(i);
          double floor = floors.get(i)[1];
          rows.add(
              String.format(
                  Locale.ROOT,
                  "%8d %-6s | %8.1f %8.1f %8.1f %8.2f | %8.1f %9.2f | %9d %10d %8.0f %8.0f | %8.1f",
                  size,
                  modes.get(i),
                  pulled.serverSeconds(),
                  floor,
                  pulled.fetchSeconds(),
                  pulled.fetchSeconds() / floor,
                  pulled.seconds(),
                  searchPull / pulled.seconds(),
                  pulled.requests(),
                  pulled.resources(),
                  pulled.peak().sampledMb(),
                  pulled.peak().liveMb(),
                  job));
        }
        if (files != null) {
          files.close();
        }
      } finally {
        if (sandbox != null) {
          sandbox.destroy();
        }
      }
    }
    out.println();
    rows.forEach(out::println);
    out.flush();
    return 0;
  }

  private Settings settings(String baseUrl, String mode) {
    Settings settings =
        Settings.defaults()
            .with("llm.source.base-url", baseUrl)
            .with("llm.publish.enabled", "false")
            .with("llm.pipeline.concurrency", String.valueOf(concurrency))
            .with("llm.pipeline.progress-seconds", "3600");
    if (mode.equals("bulk")) {
      // The sandbox answers Retry-After: 120 as HAPI does; both the floor and the pull poll every
      // second.
      settings =
          settings
              .with("llm.source.mode", "bulk")
              .with("llm.source.patients", "group:" + FixtureSeeder.CANDIDATES_GROUP)
              .with("llm.source.bulk.max-poll-interval-seconds", "1");
    }
    return settings;
  }

  /** The source stage alone: the candidates, then every record, {@code concurrency} at a time. */
  private Pulled pullStage(FhirContext fhir, Settings settings, List<String> codes)
      throws Exception {
    AdapterConfig config = AdapterConfig.from(settings);
    long requests = FhirConnection.requestsSent();
    Memory.reset();
    long start = System.nanoTime();
    FhirSource source =
        new FhirSource(
            fhir, config.source(), codes, config.pipeline().dataCutoff(), Authentication.NONE);
    List<String> ids = source.discoverPatients();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicLong resources = new AtomicLong();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String id : ids) {
        futures.add(
            pool.submit(() -> resources.addAndGet(source.fetchPatient(id).resourceCount())));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Memory.Peak peak = Memory.stop();
    FhirSource.ExportTimes exports = source.exportTimes();
    double fetch = source.bulk() ? exports.downloaded().toNanos() / 1e9 : seconds;
    return new Pulled(
        seconds,
        exports.waited().toNanos() / 1e9,
        fetch,
        FhirConnection.requestsSent() - requests,
        resources.get(),
        peak);
  }

  private static double seconds(ThrowingRunnable work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** The adapter's parallel downloads, as configured by default. */
  private static int parallelDownloads() {
    return AdapterConfig.from(Settings.defaults()).source().bulkParallelDownloads();
  }

  /**
   * The floor of a bulk pull: the same Group export with a plain HTTP client (kick-off, a status
   * poll a second), then every file read to its end and thrown away, as many at a time as the
   * adapter downloads: the seconds until the manifest, and those of the download.
   */
  private static double[] rawExport(String baseUrl, List<String> codes, int parallel)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long start = System.nanoTime();
    String kickOff =
        baseUrl
            + "/Group/"
            + FixtureSeeder.CANDIDATES_GROUP
            + "/$export?_type="
            + "Patient,Condition,Procedure,Observation&_typeFilter="
            + URLEncoder.encode(
                "Observation?code=" + String.join(",", codes), StandardCharsets.UTF_8);
    HttpResponse<Void> accepted =
        client.send(
            HttpRequest.newBuilder(URI.create(kickOff))
                .header("Accept", "application/fhir+json")
                .header("Prefer", "respond-async")
                .build(),
            HttpResponse.BodyHandlers.discarding());
    String status =
        accepted
            .headers()
            .firstValue("Content-Location")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the export was not accepted: HTTP " + accepted.statusCode()));
    JsonNode manifest;
    while (true) {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create(status)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        manifest = new ObjectMapper().readTree(answer.body());
        break;
      }
      Thread.sleep(1000);
    }
    long ready = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> downloads = new ArrayList<>();
      for (JsonNode output : manifest.path("output")) {
        downloads.add(
            pool.submit(
                () -> {
                  HttpResponse<java.io.InputStream> file =
                      client.send(
                          HttpRequest.newBuilder(URI.create(output.path("url").asText()))
                              .header("Accept", "application/fhir+ndjson")
                              .build(),
                          HttpResponse.BodyHandlers.ofInputStream());
                  byte[] buffer = new byte[1 << 16];
                  try (java.io.InputStream body = file.body()) {
                    while (body.read(buffer) >= 0) {
                      // thrown away
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> download : downloads) {
        download.get();
      }
    } finally {
      pool.shutdown();
    }
    return new double[] {(ready - start) / 1e9, (System.nanoTime() - ready) / 1e9};
  }

  static String csv(int size) {
    return CaseTable.csv(RandomCases.rows(7, size, "b"));
  }

  static Process startSandbox(CommandSpec spec, Path fixtures) throws Exception {
    return startSandbox(spec, "--fixtures", fixtures.toString());
  }

  /** An embedded server in a process of its own, started with these {@code sandbox} options. */
  static Process startSandbox(CommandSpec spec, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("sandbox"));
    args.addAll(List.of(options));
    return ChildJvm.of(spec, List.of("-Xmx3g"), args.toArray(String[]::new))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  static String readBaseUrl(Process sandbox) throws Exception {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    if (line == null || !line.startsWith("http")) {
      throw new IllegalStateException("the benchmark's embedded server did not start");
    }
    return line.strip();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * The floor of a search pull: the same requests as the pull, with a plain HTTP client; JSON is
   * read only for the links it needs. In seconds.
   */
  private double rawFetch(String baseUrl) throws Exception {
    long start = System.nanoTime();
    HttpClient client = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    AdapterConfig.Source source = AdapterConfig.from(Settings.defaults()).source();
    String codes =
        String.join(
            ",",
            source.candidateCodes().stream()
                .map(c -> URLEncoder.encode(c, StandardCharsets.UTF_8))
                .toList());
    Set<String> patients = new LinkedHashSet<>();
    for (JsonNode page :
        pages(
            client, json, baseUrl + "/Condition?code=" + codes + "&_count=" + source.pageSize())) {
      for (JsonNode entry : page.path("entry")) {
        String subject = entry.path("resource").path("subject").path("reference").asText();
        if (subject.startsWith("Patient/")) {
          patients.add(subject.substring("Patient/".length()));
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<?>> futures = new ArrayList<>();
    for (String id : patients) {
      futures.add(
          pool.submit(
              () -> {
                get(client, baseUrl + "/Patient/" + id);
                for (String type : List.of("Condition", "Procedure", "Observation")) {
                  pages(
                      client,
                      json,
                      baseUrl + "/" + type + "?patient=" + id + "&_count=" + source.pageSize());
                }
                return null;
              }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    pool.shutdown();
    return (System.nanoTime() - start) / 1e9;
  }

  static List<JsonNode> pages(HttpClient client, ObjectMapper json, String url) throws Exception {
    List<JsonNode> pages = new ArrayList<>();
    String next = url;
    while (next != null) {
      JsonNode page = json.readTree(get(client, next));
      pages.add(page);
      next = null;
      for (JsonNode link : page.path("link")) {
        if (link.path("relation").asText().equals("next")) {
          next = link.path("url").asText();
        }
      }
    }
    return pages;
  }

  /**
   * One GET with the headers the adapter's HTTP client sends that change the server's work: JSON,
   * and gzip (Apache HttpClient asks for it by default, and compressing is a good part of the
   * server's CPU per page).
   */
  static String get(HttpClient client, String url) throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/fhir+json")
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + " for a benchmark request");
    }
    byte[] body = response.body();
    if (response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
      try (var unzip = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
        body = unzip.readAllBytes();
      }
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Peak heap while the pull runs: the pools' peak use, and the most memory still live after a
   * collection.
   */
  static final class Memory {
    /**
     * @param usedMb the sum of the heap pools' peaks (an upper bound: the pools do not peak at
     *     once)
     * @param liveMb the most still live after a collection
     * @param sampledMb the most heap in use at once, sampled every 50 ms
     */
    record Peak(double usedMb, double liveMb, double sampledMb) {}

    private static final AtomicLong sampled = new AtomicLong();

    private static final AtomicLong live = new AtomicLong();
    private static volatile Thread sampler;

    static void reset() {
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          pool.resetPeakUsage();
        }
      }
      live.set(0);
      sampled.set(0);
      sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  sampled.accumulateAndGet(
                      ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                      Math::max);
                  long afterGc = 0;
                  for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                      afterGc += pool.getCollectionUsage().getUsed();
                    }
                  }
                  long seen = afterGc;
                  live.accumulateAndGet(seen, Math::max);
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    static Peak stop() {
      sampler.interrupt();
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      return new Peak(peak / 1048576.0, live.get() / 1048576.0, sampled.get() / 1048576.0);
    }
  }
}
