package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.LogCapture;
import org.llmfhiradapter.testing.SmartTokenServer;
import org.llmfhiradapter.testing.TestKeys;

/**
 * SMART Backend Services end to end: a token endpoint that verifies the client assertion, and a
 * FHIR server (the embedded one behind a proxy) that answers 401 to any request without a token it
 * issued. The pull authenticates, and when its token is revoked mid-run it renews it once and loses
 * nothing.
 */
@ExtendWith(SharedSandbox.class)
class SmartPullIT {

  @Test
  void thePullAuthenticatesAndRenewsAnExpiredTokenWithoutLosingAPatient(
      SandboxServer server, @TempDir Path dir) throws Exception {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
    RSAKey key = TestKeys.rsa();
    Path keyFile = clientKeyFile(dir, key);
    try (SmartTokenServer tokens = SmartTokenServer.start().register("llm-adapter", key);
        FaultProxy fhir = FaultProxy.start(server.baseUrl())) {
      // Halfway through the pull every token issued so far is revoked: the next request gets 401.
      requireTokens(fhir, tokens, tokens::expireAll);

      CliRun run = smartRun(fhir, server, dir, keyFile, tokens);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(tokens.tokensIssued()).isGreaterThanOrEqualTo(2);
      assertThat(fhir.faultsServed())
          .as("requests refused for want of a valid token")
          .isBetween(1, 4);
      var cohort =
          new ObjectMapper().readTree(Files.readString(dir.resolve("results.json"))).get("cohort");
      assertThat(cohort.get("pulled").asInt()).isEqualTo(12);
      assertThat(cohort.get("included").asInt()).isEqualTo(10);
      for (String token : tokens.issuedTokens()) {
        assertThat(run.err() + run.out()).doesNotContain(token);
      }
    }
  }

  @Test
  void aTokenEndpointDownAtRenewalIsRetriedLikeAnyRequestWithoutStackTraces(
      SandboxServer server, @TempDir Path dir) throws Exception {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
    RSAKey key = TestKeys.rsa();
    Path keyFile = clientKeyFile(dir, key);
    try (SmartTokenServer tokens = SmartTokenServer.start().register("llm-adapter", key);
        FaultProxy fhir = FaultProxy.start(server.baseUrl())) {
      // Halfway through, every token is revoked and the token endpoint answers 503 twice.
      requireTokens(
          fhir,
          tokens,
          () -> {
            tokens.expireAll();
            tokens.failTokenRequests(2, 503);
          });

      CliRun run;
      try (LogCapture logs = LogCapture.start()) {
        run = smartRun(fhir, server, dir, keyFile, tokens);
        assertThat(logs.withStackTraces()).as(String.join("\n", logs.lines())).isZero();
        assertThat(logs.lines()).noneMatch(l -> l.contains("Exception thrown by interceptor"));
      }

      assertThat(tokens.tokenFailuresServed()).isEqualTo(2);
      assertThat(run.exitCode()).as(run.err()).isZero();
      var cohort =
          new ObjectMapper().readTree(Files.readString(dir.resolve("results.json"))).get("cohort");
      assertThat(cohort.get("pulled").asInt()).isEqualTo(12);
      assertThat(cohort.get("included").asInt()).isEqualTo(10);
    }
  }

  @Test
  void aTokenEndpointThatStaysDownFailsInOneLine(SandboxServer server, @TempDir Path dir)
      throws Exception {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
    RSAKey key = TestKeys.rsa();
    Path keyFile = clientKeyFile(dir, key);
    try (SmartTokenServer tokens =
            SmartTokenServer.start().register("llm-adapter", key).failTokenRequests(100, 503);
        FaultProxy fhir = FaultProxy.start(server.baseUrl())) {
      CliRun run;
      try (LogCapture logs = LogCapture.start()) {
        run = smartRun(fhir, server, dir, keyFile, tokens);
        assertThat(logs.withStackTraces()).as(String.join("\n", logs.lines())).isZero();
      }

      assertThat(tokens.tokenFailuresServed()).isEqualTo(4);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("the token endpoint failed")
                      .contains("HTTP 503")
                      .contains("after 4 attempts"));
      assertThat(run.err()).doesNotContain("\tat ");
    }
  }

  /**
   * The FHIR server behind the proxy answers 401 to any request without a valid token of this token
   * server; {@code halfway} runs at the 25th request (about halfway through the small fixture's
   * pull).
   */
  private static void requireTokens(FaultProxy fhir, SmartTokenServer tokens, Runnable halfway) {
    AtomicInteger served = new AtomicInteger();
    fhir.on(
        r -> {
          if (served.incrementAndGet() == 25) {
            halfway.run();
          }
          return !tokens.isValidAuthorization(r.authorization());
        },
        Integer.MAX_VALUE,
        new FaultProxy.Answer(
            401,
            Map.of("WWW-Authenticate", "Bearer"),
            "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}"));
  }

  /** The client's private key, as the PKCS#8 PEM file an integration team would configure. */
  private static Path clientKeyFile(Path dir, RSAKey key) throws Exception {
    return TestKeys.write(dir.resolve("client.pem"), TestKeys.pkcs8Pem(key.toPrivateKey()));
  }

  private static CliRun smartRun(
      FaultProxy fhir, SandboxServer server, Path dir, Path keyFile, SmartTokenServer tokens) {
    return CliRun.job(
        fhir.baseUrl(server.baseUrl()),
        dir.toString(),
        "--set",
        "llm.pipeline.data-cutoff=2024-12-31",
        "--set",
        "llm.source.retry.initial-wait-ms=50",
        "--set",
        "llm.source.retry.max-wait-seconds=1",
        "--set",
        "llm.source.retry.max-attempts=4",
        "--set",
        "llm.source.auth.mode=smart-backend",
        "--set",
        "llm.source.auth.client-id=llm-adapter",
        "--set",
        "llm.source.auth.private-key-file=" + keyFile,
        "--set",
        "llm.source.auth.token-url=" + tokens.tokenUrl());
  }

  @Test
  void aClientTheTokenEndpointDoesNotKnowFailsInOneLine(SandboxServer server, @TempDir Path dir)
      throws Exception {
    RSAKey key = TestKeys.rsa();
    Path keyFile = clientKeyFile(dir, key);
    try (SmartTokenServer tokens =
        SmartTokenServer.start().register("someone-else", TestKeys.rsa())) {
      CliRun run =
          CliRun.of(
              "run",
              "--base-url",
              server.baseUrl(),
              "--set",
              "llm.pipeline.routes=../routes",
              "--set",
              "llm.source.auth.mode=smart-backend",
              "--set",
              "llm.source.auth.client-id=llm-adapter",
              "--set",
              "llm.source.auth.private-key-file=" + keyFile,
              "--set",
              "llm.source.auth.token-url=" + tokens.tokenUrl());

      assertThat(run.exitCode()).isEqualTo(1);
      List<String> errors = run.err().lines().filter(l -> l.startsWith("error: ")).toList();
      assertThat(errors)
          .singleElement()
          .satisfies(line -> assertThat(line).contains("invalid_client"));
      assertThat(run.err()).doesNotContain("BEGIN").doesNotContain("\tat ");
    }
  }
}
