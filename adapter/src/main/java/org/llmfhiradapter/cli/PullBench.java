package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
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
import org.llmfhiradapter.fixtures.RandomCases;
import org.llmfhiradapter.routes.PipelineRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench pull}: the pull → map → validate path against a raw fetch of the same pages. For each size, a
 * separate embedded-server process is seeded with that many generated patients (so that this JVM's heap is
 * the adapter's alone); then, in this JVM and with the same concurrency, (1) a plain HTTP client fetches every
 * page the pull fetches, reading only the links it must follow, and (2) the adapter runs its job without
 * publishing. Reported: patients per second for both, their ratio, the CPU each side spent per patient (the
 * server's process and this one), and the adapter's peak heap.
 *
 * <p>Why CPU: here the server shares the machine's cores with the adapter, so the pull can only approach the
 * raw fetch if the adapter's CPU per patient is small beside the server's; against a remote EHR the server's
 * CPU is not ours, and the adapter's CPU per patient bounds the rate instead.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = "Pull + map + validate throughput and peak heap against a raw fetch of the same pages.")
final class PullBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--patients", split = ",", paramLabel = "N", description = "Cohort sizes (default: 1000,10000).")
  List<Integer> sizes = List.of(1000, 10000);

  @Option(names = "--concurrency", paramLabel = "C", description = "Patients in flight (default: 4).")
  int concurrency = 4;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = new PrintWriter(spec.commandLine().getOut());
    out.printf(Locale.ROOT, "%8s %10s %10s %6s | %11s %11s %11s | %9s %9s%n", "patients", "raw pat/s",
        "pull pat/s", "ratio", "srv ms/pat", "srv ms/pat", "adapter", "peak MB", "live MB");
    out.printf(Locale.ROOT, "%8s %10s %10s %6s | %11s %11s %11s | %9s %9s%n", "", "", "", "", "(raw)", "(pull)",
        "ms/pat", "(pull)", "(pull)");
    out.flush();
    for (int size : sizes) {
      Path fixtures = Files.createTempDirectory("llm-bench-");
      Files.writeString(fixtures.resolve("cases.csv"), csv(size));
      Process sandbox = startSandbox(fixtures);
      try {
        String baseUrl = readBaseUrl(sandbox);
        rawFetch(baseUrl); // untimed: warms the server, so that both timed runs meet the same server
        Cpu rawStart = Cpu.now(sandbox);
        double raw = timed(() -> rawFetch(baseUrl), size);
        Cpu pullStart = Cpu.now(sandbox);
        Memory.reset();
        double pull = timed(() -> pipeline(baseUrl), size);
        Memory.Peak peak = Memory.stop();
        Cpu pullEnd = Cpu.now(sandbox);
        out.printf(Locale.ROOT, "%8d %10.1f %10.1f %6.2f | %11.1f %11.1f %11.1f | %9.0f %9.0f%n", size, raw, pull,
            raw / pull, (pullStart.serverMs() - rawStart.serverMs()) / size,
            (pullEnd.serverMs() - pullStart.serverMs()) / size, (pullEnd.selfMs() - pullStart.selfMs()) / size,
            peak.usedMb(), peak.liveMb());
        out.flush();
      } finally {
        sandbox.destroy();
      }
    }
    return 0;
  }

  static String csv(int size) {
    StringBuilder text = new StringBuilder();
    text.append(String.join(",", List.of("patient_id", "sex", "birth_date", "primary_site", "primary_dx_date",
        "primary_resection_date", "primary_margin", "llm_dx_date", "llm_count", "llm_largest_size", "chemo_start_date",
        "chemo_response", "hepatectomy_date", "hepatectomy_extent", "rfa_date", "recurrence_date", "recurrence_sites",
        "death_date", "last_contact_date"))).append('\n');
    for (var r : RandomCases.rows(7, size, "b")) {
      text.append(String.join(",", r.id(), r.sex(), s(r.birthDate()), s(r.primarySite()), s(r.primaryDxDate()),
          s(r.primaryResectionDate()), s(r.primaryMargin()), s(r.llmDxDate()), s(r.llmCount()), s(r.llmLargestSize()),
          s(r.chemoStartDate()), s(r.chemoResponse()), s(r.hepatectomyDate()), s(r.hepatectomyExtent()), s(r.rfaDate()),
          s(r.recurrenceDate()), String.join(";", r.recurrenceSites()), s(r.deathDate()), s(r.lastContactDate())))
          .append('\n');
    }
    return text.toString();
  }

  private static String s(Object value) {
    return value == null ? "" : value.toString();
  }

  static Process startSandbox(Path fixtures) throws Exception {
    return startSandbox("--fixtures", fixtures.toString());
  }

  /** An embedded server in a process of its own, started with these {@code sandbox} options. */
  static Process startSandbox(String... options) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String jar = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx3g", "-cp", jar, Main.class.getName(), "sandbox"));
    command.addAll(List.of(options));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  static String readBaseUrl(Process sandbox) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    if (line == null || !line.startsWith("http")) {
      throw new IllegalStateException("the benchmark's embedded server did not start");
    }
    return line.strip();
  }

  private static double timed(ThrowingRunnable work, int patients) throws Exception {
    long start = System.nanoTime();
    work.run();
    return patients / ((System.nanoTime() - start) / 1e9);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private void pipeline(String baseUrl) {
    Settings settings =
        Settings.defaults()
            .with("llm.source.base-url", baseUrl)
            .with("llm.publish.enabled", "false")
            .with("llm.pipeline.concurrency", String.valueOf(concurrency))
            .with("llm.pipeline.progress-seconds", "3600");
    new PipelineRunner(FhirContext.forR4Cached()).run(settings);
  }

  /** The same requests as the pull, with a plain HTTP client; JSON is read only for the links it needs. */
  private void rawFetch(String baseUrl) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    AdapterConfig.Source source = AdapterConfig.from(Settings.defaults()).source();
    String codes = String.join(",", source.candidateCodes().stream().map(c -> URLEncoder.encode(c, StandardCharsets.UTF_8)).toList());
    Set<String> patients = new LinkedHashSet<>();
    for (JsonNode page : pages(client, json, baseUrl + "/Condition?code=" + codes + "&_count=" + source.pageSize())) {
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
      futures.add(pool.submit(() -> {
        get(client, baseUrl + "/Patient/" + id);
        for (String type : List.of("Condition", "Procedure", "Observation")) {
          pages(client, json, baseUrl + "/" + type + "?patient=" + id + "&_count=" + source.pageSize());
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    pool.shutdown();
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
   * One GET with the headers the adapter's HTTP client sends that change the server's work: JSON, and gzip
   * (Apache HttpClient asks for it by default, and compressing is a good part of the server's CPU per page).
   */
  static String get(HttpClient client, String url) throws Exception {
    HttpResponse<byte[]> response =
        client.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json")
            .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
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

  /** CPU time so far of the server's process and of this one, in milliseconds. */
  private record Cpu(double serverMs, double selfMs) {
    static Cpu now(Process server) {
      double serverMs = server.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
      double selfMs = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime() / 1e6
          : Double.NaN;
      return new Cpu(serverMs, selfMs);
    }
  }

  /** Peak heap while the pull runs: the pools' peak use, and the most memory still live after a collection. */
  static final class Memory {
    /**
     * @param usedMb the sum of the heap pools' peaks (an upper bound: the pools do not peak at once)
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
      sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          sampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
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
      }, "bench-heap-sampler");
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
