package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.sandbox.VendorPersonality;
import org.llmfhiradapter.testing.ChildJvm;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;
import org.llmfhiradapter.testing.FaultProxy.CutConnection;
import org.llmfhiradapter.testing.FaultProxy.DropConnection;
import org.llmfhiradapter.testing.FaultProxy.Request;
import org.llmfhiradapter.testing.FaultProxy.Rewrite;
import org.llmfhiradapter.testing.FaultProxy.TruncatedBody;
import org.llmfhiradapter.testing.LogCapture;

/**
 * The Bulk Data path: a Group-level {@code $export} gives the same cohort as the per-patient
 * searches, through the faults a server and a network make, and its files get credentials only on
 * the server's origin.
 */
@ExtendWith(SharedSandbox.class)
class BulkPullIT {

  private static final Predicate<Request> STATUS =
      r -> r.pathAndQuery().contains("$export-poll-status");
  private static final Predicate<Request> FILE = r -> r.pathAndQuery().startsWith("/fhir/Binary/");

  @TempDir Path dir;
  private SandboxServer server;

  @AfterEach
  void plain() {
    if (server != null) {
      server.personality(VendorPersonality.Kind.NONE);
    }
  }

  @Test
  void aBulkPullGivesTheCohortOfTheSearches(SandboxServer server) throws Exception {
    seed(server, Flavor.MCODE);

    assertThat(pull(server.baseUrl(), "search", "search").exitCode()).isZero();
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      CliRun bulk = pull(proxy.baseUrl(server.baseUrl()), "bulk", "bulk");

      assertThat(bulk.exitCode()).as(bulk.err()).isZero();
      assertSameCohort("search", "bulk");
      // The async pattern as the Bulk Data spec has it: FHIR JSON asked for, asynchronously.
      assertThat(proxy.seen())
          .filteredOn(r -> r.pathAndQuery().contains("/$export?"))
          .singleElement()
          .satisfies(
              kickOff -> {
                assertThat(kickOff.pathAndQuery())
                    .contains("_type=Patient,Condition,Procedure,Observation");
                assertThat(kickOff.header("Accept")).isEqualTo("application/fhir+json");
                assertThat(kickOff.header("Prefer")).isEqualTo("respond-async");
              });
      assertThat(proxy.seen())
          .filteredOn(FILE)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.header("Accept")).isEqualTo("application/fhir+ndjson"));
      // The files downloaded, the server is told it may delete them.
      Request last = proxy.seen().get(proxy.seen().size() - 1);
      assertThat(last.method()).isEqualTo("DELETE");
      assertThat(last.pathAndQuery()).contains("$export-poll-status");
    }
  }

  @Test
  void epicsGroupExportGivesTheCohortOfEpicsSearches(SandboxServer server) throws Exception {
    seed(server, Flavor.EPIC);
    server.personality(VendorPersonality.Kind.EPIC);

    CliRun search = pull(server.baseUrl(), "search", "search", "--set", "llm.source.vendor=epic");
    CliRun bulk = pull(server.baseUrl(), "bulk", "bulk", "--set", "llm.source.vendor=epic");

    assertThat(search.exitCode()).as(search.err()).isZero();
    assertThat(bulk.exitCode()).as(bulk.err()).isZero();
    assertSameCohort("search", "bulk");
  }

  @Test
  void throttledPollsAndBrokenDownloadsLoseNoPatientAndDoubleNone(SandboxServer server)
      throws Exception {
    Logged clean = seededAndPulledWithoutFaults(server);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      String base = proxy.baseUrl(server.baseUrl());
      proxy.on(STATUS, 1, new Answer(429, Map.of("Retry-After", "1"), ""));
      proxy.on(STATUS, 1, new Answer(503, Map.of(), ""));
      proxy.on(STATUS, 1, new DropConnection());
      proxy.on(FILE, 1, new Answer(503, Map.of(), ""));
      proxy.on(FILE, 1, new CutConnection());
      proxy.on(FILE, 1, new TruncatedBody());

      Logged bulk = pullThroughFaults(base);
      assertThat(proxy.faultsServed()).isEqualTo(6);
      List<Request> polls = proxy.seen().stream().filter(STATUS).toList();
      assertThat(polls).as("three failed polls, then the manifest").hasSizeGreaterThanOrEqualTo(4);
      assertThat(polls.get(1).arrived() - polls.get(0).arrived())
          .as("the poll after a 429 waits the Retry-After's second")
          .isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(950));
      // Five files; the unavailable, the cut and the truncated one fetched again whole.
      assertThat(proxy.seen().stream().filter(FILE).count()).as("file requests").isEqualTo(8);
      assertSameAsWithoutFaults(clean, bulk);
    }
  }

  @Test
  void aFileCutAtALineEndIsFetchedAgainWhenTheManifestCountsItsResources(SandboxServer server)
      throws Exception {
    Logged clean = seededAndPulledWithoutFaults(server);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      String base = proxy.baseUrl(server.baseUrl());
      // The manifest gives each file's count (optional in the spec, HAPI leaves it out); the first
      // file comes without its last line, well framed: nothing but the count tells.
      proxy.on(STATUS, Integer.MAX_VALUE, new Rewrite(m -> withCounts(m, base, server.baseUrl())));
      proxy.on(FILE, 1, new Rewrite(BulkPullIT::withoutLastLine));

      Logged bulk = pullThroughFaults(base);
      assertThat(String.join("\n", bulk.log()))
          .containsPattern("arrived cut short \\(\\d+ of the \\d+ resources");
      List<String> files = proxy.seen().stream().filter(FILE).map(Request::pathAndQuery).toList();
      assertThat(files).as("one file fetched twice").hasSize(Set.copyOf(files).size() + 1);
      assertSameAsWithoutFaults(clean, bulk);
    }
  }

  @Test
  void anExportThatNeverGetsReadyIsGivenUpAfterTheMaxWaitAndCancelled(SandboxServer server)
      throws Exception {
    seed(server, Flavor.MCODE);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> STATUS.test(r) && r.method().equals("GET"),
          Integer.MAX_VALUE,
          new Answer(202, Map.of("Retry-After", "1", "X-Progress", "Step 1 of 3"), ""));

      CliRun bulk =
          pull(
              proxy.baseUrl(server.baseUrl()),
              "bulk",
              "bulk",
              "--set",
              "llm.source.bulk.max-wait-seconds=3");

      assertThat(bulk.exitCode()).isNotZero();
      assertThat(proxy.faultsServed()).isGreaterThanOrEqualTo(2);
      assertThat(bulk.err())
          .contains("not ready after 3 s (Step 1 of 3)")
          .contains("llm.source.bulk.max-wait-seconds")
          .doesNotContain("\tat ");
      assertThat(proxy.seen())
          .as("the export cancelled on the server")
          .anySatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("DELETE");
                assertThat(r.pathAndQuery()).contains("$export-poll-status");
              });
    }
  }

  @Test
  void filesGetCredentialsOnlyWhenTheManifestRequiresThem(SandboxServer server) throws Exception {
    seed(server, Flavor.MCODE);
    Path token = Files.writeString(dir.resolve("token"), "ehr-t0ken\n");
    for (boolean required : new boolean[] {false, true}) {
      try (FaultProxy ehr = FaultProxy.start(server.baseUrl())) {
        ehr.on(
            STATUS,
            Integer.MAX_VALUE,
            new Rewrite(
                m ->
                    m.replaceFirst(
                        "\"requiresAccessToken\"\\s*:\\s*(true|false)",
                        "\"requiresAccessToken\":" + required)));

        CliRun bulk =
            pull(
                ehr.baseUrl(server.baseUrl()),
                "bulk",
                "bulk-" + required,
                "--set",
                "llm.source.auth.mode=bearer",
                "--set",
                "llm.source.auth.bearer-token-file=" + token);

        assertThat(bulk.exitCode()).as(bulk.err()).isZero();
        assertThat(ehr.faultsServed()).as("the manifest rewritten").isPositive();
        assertThat(ehr.seen())
            .filteredOn(FILE.negate())
            .isNotEmpty()
            .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer ehr-t0ken"));
        assertThat(ehr.seen())
            .filteredOn(FILE)
            .as("files, requiresAccessToken " + required)
            .isNotEmpty()
            .allSatisfy(
                r -> assertThat(r.authorization()).isEqualTo(required ? "Bearer ehr-t0ken" : null));
      }
    }
  }

  @Test
  void withoutAGroupTheCandidatesAreExportedByName(SandboxServer server) throws Exception {
    seed(server, Flavor.MCODE);
    assertThat(pull(server.baseUrl(), "search", "search").exitCode()).isZero();
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      // The generic default: candidates found by their liver-metastasis Conditions, then
      // Patient/$export of them.
      CliRun bulk =
          pull(proxy.baseUrl(server.baseUrl()), "bulk", "bulk", "--set", "llm.source.patients=");

      assertThat(bulk.exitCode()).as(bulk.err()).isZero();
      assertThat(proxy.seen())
          .anySatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.pathAndQuery()).isEqualTo("/fhir/Patient/$export");
              });
      assertSameCohort("search", "bulk");
    }
  }

  @Test
  void oracleHealthExportsAPatientListAndTakesNoTypeFilter(SandboxServer server) throws Exception {
    seed(server, Flavor.CERNER);
    server.personality(VendorPersonality.Kind.CERNER);
    Path list = Files.writeString(dir.resolve("patients.txt"), "d001\nd004\nd007\nd011\n");
    String[] cerner = {
      "--set", "llm.source.vendor=cerner", "--set", "llm.source.patients=file:" + list
    };

    CliRun search = pull(server.baseUrl(), "search", "search", cerner);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      CliRun bulk = pull(proxy.baseUrl(server.baseUrl()), "bulk", "bulk", cerner);

      assertThat(search.exitCode()).as(search.err()).isZero();
      assertThat(bulk.exitCode()).as(bulk.err()).isZero();
      assertThat(proxy.seen())
          .anySatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo("/fhir/Patient/$export"));
      assertThat(proxy.seen())
          .noneSatisfy(r -> assertThat(r.pathAndQuery()).contains("_typeFilter"));
      assertSameCohort("search", "bulk");
    }
  }

  @Test
  void chartsAsVendorsWriteThemComeOutOfAnExportAsOutOfTheSearches(SandboxServer server)
      throws Exception {
    // Merged records, entered-in-error and refuted diagnoses, codes repeated at every visit,
    // missing fields.
    this.server = server;
    server.personality(VendorPersonality.Kind.NONE);
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("fidelity").resolve("mcode"));

    CliRun search = pull(server.baseUrl(), "search", "search");
    CliRun bulk = pull(server.baseUrl(), "bulk", "bulk");

    assertThat(search.exitCode()).as(search.err()).isZero();
    assertThat(bulk.exitCode()).as(bulk.err()).isZero();
    assertThat(bulk.out()).contains("1 more candidates were the other half of a merged chart");
    assertSameCohort("search", "bulk");
  }

  @Test
  void theServersErrorFilesAreCountedByIssueCodeInDataQuality(SandboxServer server)
      throws Exception {
    seed(server, Flavor.MCODE);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      String base = proxy.baseUrl(server.baseUrl());
      String outcome =
          "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
              + "\"code\":\"%s\",\"diagnostics\":\"Observation/x1 of Patient/d003 could not be read\"}]}";
      proxy.on(
          r -> r.pathAndQuery().equals("/fhir/errors.ndjson"),
          Integer.MAX_VALUE,
          new Answer(
              200,
              Map.of(),
              String.format(outcome, "processing")
                  + "\n"
                  + String.format(outcome, "processing")
                  + "\n"
                  + String.format(outcome, "too-costly")
                  + "\n"));
      proxy.on(
          STATUS,
          Integer.MAX_VALUE,
          new Rewrite(
              manifest ->
                  manifest.replaceFirst(
                      "\"error\"\\s*:\\s*\\[\\s*\\]",
                      "\"error\":[{\"type\":\"OperationOutcome\",\"url\":\""
                          + base
                          + "/errors.ndjson\"}]")));

      CliRun bulk = pull(base, "bulk", "bulk");

      assertThat(bulk.exitCode()).as(bulk.err()).isZero();
      assertThat(proxy.seen())
          .anySatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo("/fhir/errors.ndjson"));
      JsonNode quality =
          new ObjectMapper()
              .readTree(Files.readString(dir.resolve("bulk/results.json")))
              .get("data_quality");
      Map<String, Integer> counted = new java.util.TreeMap<>();
      quality.forEach(
          note -> {
            if (note.get("profile").asText().equals("bulk-export-errors")) {
              counted.put(note.get("rule").asText(), note.get("count").asInt());
            }
          });
      assertThat(counted)
          .containsExactlyEntriesOf(
              new java.util.TreeMap<>(Map.of("processing", 2, "too-costly", 1)));
      // The server's diagnostics name a patient: they go nowhere.
      assertThat(Files.readString(dir.resolve("bulk/results.json"))).doesNotContain("d003");
    }
  }

  @Test
  void aFileOnAnotherOriginGetsNoCredentials(SandboxServer server) throws Exception {
    seed(server, Flavor.MCODE);
    Path token = Files.writeString(dir.resolve("token"), "ehr-t0ken\n");
    try (FaultProxy ehr = FaultProxy.start(server.baseUrl());
        FaultProxy elsewhere = FaultProxy.start(server.baseUrl())) {
      String base = ehr.baseUrl(server.baseUrl());
      // The manifest says a token is required, and names files on another origin.
      String other = elsewhere.baseUrl(server.baseUrl());
      ehr.on(
          STATUS,
          Integer.MAX_VALUE,
          new Rewrite(
              body ->
                  body.replace(server.baseUrl(), other)
                      .replace(base, other)
                      .replaceFirst(
                          "\"requiresAccessToken\"\\s*:\\s*false",
                          "\"requiresAccessToken\":true")));

      CliRun bulk =
          pull(
              base,
              "bulk",
              "bulk",
              "--set",
              "llm.source.auth.mode=bearer",
              "--set",
              "llm.source.auth.bearer-token-file=" + token);

      assertThat(bulk.exitCode()).as(bulk.err()).isZero();
      assertThat(ehr.seen())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer ehr-t0ken"));
      assertThat(elsewhere.seen())
          .as("the files were fetched there")
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.authorization()).isNull());
    }
  }

  @Test
  void anExportStoppedByTheSchedulerIsCancelledOnTheServer(SandboxServer server) throws Exception {
    seed(server, Flavor.MCODE);
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      // The export never gets ready, as far as the client can tell.
      proxy.on(
          r -> STATUS.test(r) && r.method().equals("GET"),
          Integer.MAX_VALUE,
          new Answer(202, Map.of("Retry-After", "1", "X-Progress", "in progress"), ""));
      List<String> command =
          ChildJvm.command(
              ChildJvm.quickStart(), args(proxy.baseUrl(server.baseUrl()), "bulk", "stopped"));
      Process run =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("child.log").toFile())
              .start();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
      while (proxy.seen().stream().filter(STATUS).count() < 2) {
        assertThat(run.isAlive()).as(Files.readString(dir.resolve("child.log"))).isTrue();
        assertThat(System.nanoTime()).as("the export was never polled").isLessThan(deadline);
        Thread.sleep(50);
      }

      run.destroy(); // SIGTERM, as cron, systemd or Kubernetes stop a job
      long cancelBy = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (proxy.seen().stream().noneMatch(r -> r.method().equals("DELETE"))
          && System.nanoTime() < cancelBy) {
        Thread.sleep(50);
      }
      run.destroyForcibly();

      assertThat(proxy.faultsServed()).isGreaterThanOrEqualTo(2);
      assertThat(proxy.seen())
          .as("the export cancelled on the server")
          .anySatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("DELETE");
                assertThat(r.pathAndQuery()).contains("$export-poll-status");
              });
    }
  }

  private void seed(SandboxServer server, Flavor flavor) {
    this.server = server;
    server.personality(VendorPersonality.Kind.NONE);
    SandboxData.reset(server);
    new FixtureSeeder(FhirContext.forR4Cached(), flavor)
        .seed(server.baseUrl(), SandboxData.FIXTURES.resolve("small"));
  }

  private CliRun pull(String baseUrl, String mode, String out, String... more) {
    return CliRun.of(args(baseUrl, mode, out, more));
  }

  private String[] args(String baseUrl, String mode, String out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set",
                "llm.source.mode=" + mode,
                "--set",
                "llm.source.patients=group:" + FixtureSeeder.CANDIDATES_GROUP,
                "--set",
                "llm.pipeline.data-cutoff=2024-12-31",
                "--set",
                "llm.publish.enabled=false",
                "--set",
                "llm.source.bulk.max-poll-interval-seconds=1"));
    args.addAll(List.of(more));
    return CliRun.jobArgs(baseUrl, dir.resolve(out).toString(), args.toArray(String[]::new));
  }

  private void assertSameCohort(String expected, String actual) throws Exception {
    for (String file :
        List.of("cohort.csv", "exclusions.csv", "results.json", "summary.txt", "report.html")) {
      // The source's address differs when the bulk pull goes through a proxy.
      String want = withoutPort(Files.readString(dir.resolve(expected).resolve(file)));
      String got = withoutPort(Files.readString(dir.resolve(actual).resolve(file)));
      assertThat(got).as(file).isEqualTo(want);
    }
  }

  private static String withoutPort(String text) {
    return text.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT");
  }

  /** The small cohort seeded and pulled by bulk with no fault: what a pull through faults gives. */
  private Logged seededAndPulledWithoutFaults(SandboxServer server) {
    seed(server, Flavor.MCODE);
    Logged clean = pullLogged(server.baseUrl(), "bulk", "clean");
    assertThat(clean.run().exitCode()).as(clean.run().err()).isZero();
    return clean;
  }

  private Logged pullThroughFaults(String proxyBase) {
    Logged bulk =
        pullLogged(proxyBase, "bulk", "bulk", "--set", "llm.source.retry.initial-wait-ms=50");
    assertThat(bulk.run().exitCode()).as(bulk.run().err()).isZero();
    return bulk;
  }

  /**
   * Every resource filed once (a file filed twice would show in the count of filed lines, though
   * the records drop repeated ids), and the same outputs.
   */
  private void assertSameAsWithoutFaults(Logged clean, Logged faulted) throws Exception {
    assertThat(downloaded(faulted)).isEqualTo(downloaded(clean)).contains("resources of");
    assertSameCohort("clean", "bulk");
  }

  /** A run and what it logged. */
  private record Logged(CliRun run, List<String> log) {}

  private Logged pullLogged(String baseUrl, String mode, String out, String... more) {
    try (LogCapture logs = LogCapture.start()) {
      CliRun run = pull(baseUrl, mode, out, more);
      return new Logged(run, logs.lines());
    }
  }

  /** The download's log line: resources filed, patients, and resources by type. */
  private static String downloaded(Logged pulled) {
    return pulled.log().stream()
        .filter(line -> line.contains("Bulk export: ") && line.contains(" downloaded "))
        .map(line -> line.substring(line.indexOf("Bulk export: ")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no download line in:\n" + pulled.log()));
  }

  /** A manifest whose outputs each give the count of resources in their file. */
  private static String withCounts(String manifest, String proxyBase, String serverBase) {
    if (manifest.isBlank()) {
      return manifest; // a 202 while the export runs
    }
    try {
      ObjectMapper json = new ObjectMapper();
      JsonNode tree = json.readTree(manifest);
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (JsonNode output : tree.path("output")) {
        String url = output.path("url").asText().replace(proxyBase, serverBase);
        String body =
            http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .header("Accept", "application/fhir+ndjson")
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        ((com.fasterxml.jackson.databind.node.ObjectNode) output)
            .put("count", body.lines().filter(line -> !line.isBlank()).count());
      }
      return json.writeValueAsString(tree);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withoutLastLine(String ndjson) {
    List<String> lines = ndjson.lines().filter(line -> !line.isBlank()).toList();
    return String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
  }
}
