package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;
import org.llmfhiradapter.testing.FaultProxy.CutConnection;
import org.llmfhiradapter.testing.FaultProxy.Delay;
import org.llmfhiradapter.testing.FaultProxy.Rewrite;
import org.llmfhiradapter.testing.FaultProxy.TruncatedBody;

/**
 * The pull against a misbehaving network, through a loopback proxy in front of the embedded server.
 * Every fault that may pass is retried and the run loses no patient and counts none twice; the
 * others fail the run in one clear line and publish nothing.
 */
@ExtendWith(SharedSandbox.class)
class PullFaultsIT {

  private static final int PATIENTS = 12;
  private static final int INCLUDED = 10;
  private static final String REPORTS =
      "identifier=http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-2024-12-31";

  private SandboxServer server;

  @BeforeEach
  void seed(SandboxServer server) {
    this.server = server;
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
  }

  @Test
  void tooManyRequestsWithRetryAfterIsWaitedOut(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Observation"),
          3,
          new Answer(429, Map.of("Retry-After", "1"), "{\"resourceType\":\"OperationOutcome\"}"));
      CliRun run = run(proxy, out);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(3);
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void burstsOfServiceUnavailableAreRetried(@TempDir Path out) throws Exception {
    // Every fifth distinct request is refused twice (fewer than the 4 attempts allowed), then
    // answered. Counted per request, not across the pull: the pull's threads interleave, and a
    // shared counter could refuse one request's retries four times.
    Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    AtomicInteger distinct = new AtomicInteger();
    Map<String, Integer> ordinal = new ConcurrentHashMap<>();
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r ->
              r.method().equals("GET")
                  && ordinal.computeIfAbsent(r.pathAndQuery(), k -> distinct.getAndIncrement()) % 5
                      == 0
                  && tries
                          .computeIfAbsent(r.pathAndQuery(), k -> new AtomicInteger())
                          .incrementAndGet()
                      <= 2,
          12,
          new Answer(503, Map.of(), ""));
      CliRun run = run(proxy, out);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(12);
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void aConnectionCutInTheMiddleOfAPageIsRetried(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(r -> r.pathAndQuery().startsWith("/fhir/Condition?patient"), 2, new CutConnection());
      CliRun run = run(proxy, out);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(2);
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void truncatedJsonIsRetried(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(r -> r.pathAndQuery().startsWith("/fhir/Procedure"), 2, new TruncatedBody());
      CliRun run = run(proxy, out);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(2);
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void aPageSlowerThanTheReadTimeoutIsRetried(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(r -> r.pathAndQuery().startsWith("/fhir/Observation"), 1, new Delay(3_000));
      CliRun run = run(proxy, out, "--set", "llm.source.read-timeout-seconds=1");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void aNextLinkToAnotherOriginIsRefusedAndNothingIsPublished(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Condition?code"),
          1,
          new Rewrite(
              body ->
                  body.replaceAll(
                      "\"url\":\"http://127\\.0\\.0\\.1:(\\d+)/fhir\\?_getpages",
                      "\"url\":\"http://evil.example:$1/fhir?_getpages")));
      CliRun run = run(proxy, out, "--set", "llm.source.page-size=3");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.err())
          .contains(
              "error: Condition search by liver-metastasis codes: the server's next link points to another origin (http://evil.example:")
          .contains("refusing to follow it")
          .doesNotContain("\tat ");
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isZero();
    }
  }

  @Test
  void aServerThatIsDownFailsInOneLineAfterTheRetries() {
    CliRun run =
        CliRun.of(
            "run",
            "--base-url",
            "http://127.0.0.1:1/fhir",
            "--set",
            "llm.pipeline.routes=../routes",
            "--set",
            "llm.source.retry.initial-wait-ms=20",
            "--set",
            "llm.source.retry.max-attempts=3");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines().filter(l -> l.startsWith("error: ")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains(
                        "cannot reach the FHIR server at http://127.0.0.1:1/fhir (Connection refused), after 3 attempts"));
  }

  @Test
  void aPatientThatCannotBeFetchedFailsTheRunAndNothingIsPublished(@TempDir Path out)
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Observation?patient=d004"),
          Integer.MAX_VALUE,
          new Answer(503, Map.of(), ""));
      CliRun run = run(proxy, out);

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(proxy.faultsServed()).isEqualTo(4);
      assertThat(run.err())
          .contains("error: Observation search by patient: the FHIR server at")
          .contains("gave HTTP 503, after 4 attempts")
          .doesNotContain("d004");
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isZero();
    }
  }

  @Test
  void withAllowPartialTheUnfetchedPatientIsListedAndTheRestPublished(@TempDir Path out)
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Observation?patient=d004"),
          Integer.MAX_VALUE,
          new Answer(503, Map.of(), ""));
      CliRun run = run(proxy, out, "--allow-partial");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(proxy.faultsServed()).isEqualTo(4);
      assertThat(run.out()).contains("NOT FETCHED: 1");
      JsonNode cohort = results(out).get("cohort");
      assertThat(cohort.get("pulled").asInt()).isEqualTo(PATIENTS);
      assertThat(cohort.get("included").asInt()).isEqualTo(INCLUDED - 1);
      assertThat(cohort.at("/unfetched/0/patient").asText()).isEqualTo("Patient/d004");
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void aRedirectToAnotherOriginIsRefusedAndTheCredentialsNeverGoThere(@TempDir Path out)
      throws Exception {
    Path password = Files.writeString(out.resolve("password"), "s3cret-for-the-ehr");
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl());
        FaultProxy elsewhere = FaultProxy.start(server.baseUrl())) {
      String otherOrigin = elsewhere.baseUrl(server.baseUrl());
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Condition?patient"),
          1,
          new Answer(302, Map.of("Location", otherOrigin + "/Condition?patient=x"), ""));
      CliRun run =
          run(
              proxy,
              out,
              "--set",
              "llm.source.auth.mode=basic",
              "--set",
              "llm.source.auth.basic-user=llm",
              "--set",
              "llm.source.auth.basic-password-file=" + password);

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("redirected the request to another origin (http://127.0.0.1:")
                      .contains("follows no redirect off the server's origin"));
      assertThat(run.err()).doesNotContain("\tat ");
      // Nothing at all, let alone the Authorization header, reached the other origin.
      assertThat(elsewhere.requests()).isZero();
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isZero();
    }
  }

  @Test
  void aRedirectWithinTheServersOriginIsFollowed(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      String base = proxy.baseUrl(server.baseUrl());
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Procedure?patient=d003"),
          1,
          new Answer(302, Map.of("Location", base + "/Procedure?patient=d003&_count=50"), ""));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void aMalformedDateCostsItsPatientNotTheRun(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Condition?patient=d003"),
          Integer.MAX_VALUE,
          new Rewrite(
              body ->
                  body.replace(
                      "\"onsetDateTime\":\"2013-04-18\"", "\"onsetDateTime\":\"2001-02-30\"")));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isPositive();
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode cohort = results(out).get("cohort");
      assertThat(cohort.get("pulled").asInt()).isEqualTo(PATIENTS);
      assertThat(cohort.get("included").asInt()).isEqualTo(INCLUDED - 1);
      assertThat(Files.readString(out.resolve("exclusions.csv")))
          .contains("Patient/d003,invalid-resource,Condition/d003-llm,")
          .contains("Condition.onset");
      assertThat(run.err()).doesNotContain("cannot reach");
    }
  }

  @Test
  void aSearchPageNoParserCanReadCostsItsPatientAfterTheRetriesNotTheRun(@TempDir Path out)
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Procedure?patient=d005"),
          Integer.MAX_VALUE,
          new Rewrite(
              body -> body.replace("\"resourceType\":\"Procedure\"", "\"resourceType\":\"\"")));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(4);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(results(out).at("/cohort/included").asInt()).isEqualTo(INCLUDED - 1);
      assertThat(Files.readString(out.resolve("exclusions.csv")))
          .contains("Patient/d005,invalid-resource,Patient/d005,")
          .contains("Procedure search by patient")
          .contains("not valid FHIR JSON")
          .contains("incomplete");
    }
  }

  @Test
  void anHtmlPageWithStatus200IsRetriedLikeAnyTransientFault(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Observation"),
          2,
          new Answer(
              200, Map.of("Content-Type", "text/html"), "<html><body>Gateway busy</body></html>"));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(2);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertEveryPatientOnce(out);
    }
  }

  @Test
  void anHtmlPageThatNeverGoesAwayFailsInOneClearLine(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Condition?code"),
          Integer.MAX_VALUE,
          new Answer(
              200, Map.of("Content-Type", "text/html"), "<html><body>Sign in</body></html>"));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(4);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("HTTP 200 with a body that is not FHIR JSON (text/html")
                      .contains("after 4 attempts"));
    }
  }

  private CliRun run(FaultProxy proxy, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--base-url",
                proxy.baseUrl(server.baseUrl()),
                "--out",
                out.toString(),
                "--set",
                "llm.pipeline.routes=../routes",
                "--set",
                "llm.pipeline.data-cutoff=2024-12-31",
                "--set",
                "llm.source.retry.initial-wait-ms=50",
                "--set",
                "llm.source.retry.max-wait-seconds=1",
                "--set",
                "llm.source.retry.max-attempts=4"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /**
   * No patient lost, none counted twice: every candidate once, and the Group lists exactly the
   * included.
   */
  private void assertEveryPatientOnce(Path out) throws Exception {
    JsonNode cohort = results(out).get("cohort");
    assertThat(cohort.get("pulled").asInt()).isEqualTo(PATIENTS);
    assertThat(cohort.get("included").asInt()).isEqualTo(INCLUDED);
    assertThat(Files.readAllLines(out.resolve("cohort.csv"))).hasSize(INCLUDED + 1);
    assertThat(Files.readAllLines(out.resolve("exclusions.csv"))).hasSize(PATIENTS - INCLUDED + 1);
  }

  private static JsonNode results(Path out) throws Exception {
    return new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
  }
}
