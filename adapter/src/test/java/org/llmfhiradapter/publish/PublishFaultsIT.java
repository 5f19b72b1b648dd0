package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
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
import org.llmfhiradapter.testing.FaultProxy.Request;
import org.llmfhiradapter.testing.FaultProxy.TruncatedBody;

/**
 * The publish against a misbehaving network, through a loopback proxy that disturbs only the
 * results transaction (a POST to the base URL) and the read-back: retried like any request, and the
 * report arrives exactly once. When an answer is lost, what the server holds decides; when nothing
 * can be known, the message says so instead of claiming that nothing was written.
 */
@ExtendWith(SharedSandbox.class)
class PublishFaultsIT {

  private static final String CUTOFF = "2024-12-31";
  private static final String REPORTS =
      "identifier=http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-"
          + CUTOFF;
  private static final Predicate<Request> TRANSACTION =
      r -> r.method().equals("POST") && r.pathAndQuery().equals("/fhir");
  private static final Predicate<Request> READ_BACK =
      r -> r.method().equals("GET") && r.pathAndQuery().startsWith("/fhir/MeasureReport");

  private SandboxServer server;

  @BeforeEach
  void seed(SandboxServer server) {
    this.server = server;
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
  }

  @Test
  void tooManyRequestsAndServiceUnavailableAreRetried(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          TRANSACTION,
          1,
          new Answer(429, Map.of("Retry-After", "1"), "{\"resourceType\":\"OperationOutcome\"}"));
      proxy.on(TRANSACTION, 1, new Answer(503, Map.of(), ""));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(2);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("MeasureReport created");
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void anAnswerCutOffAfterTheServerAppliedTheTransactionIsReadBackNotResent(@TempDir Path out)
      throws Exception {
    AtomicInteger transactions = new AtomicInteger();
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(r -> TRANSACTION.test(r) && transactions.incrementAndGet() < 0, 0, new Delay(0));
      proxy.on(TRANSACTION, 1, new CutConnection());
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      // Sent once: the read-back found this run's report, so the transaction was not sent again.
      assertThat(transactions.get()).isEqualTo(1);
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void aTruncatedAnswerIsReadBackToo(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(TRANSACTION, 1, new TruncatedBody());
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void anAnswerSlowerThanTheReadTimeoutEndsWithOneReport(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(TRANSACTION, 1, new Delay(2_500));
      CliRun run = run(proxy, out, "--set", "llm.source.read-timeout-seconds=1");

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void aConflictWithAConcurrentWriterIsRetriedOnce(@TempDir Path out) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          TRANSACTION, 1, new Answer(409, Map.of(), "{\"resourceType\":\"OperationOutcome\"}"));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isEqualTo(1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    }
  }

  @Test
  void whenNeitherTheAnswerNorTheReadBackArrivesTheOutcomeIsSaidToBeUnknown(@TempDir Path out)
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(TRANSACTION, Integer.MAX_VALUE, new CutConnection());
      proxy.on(READ_BACK, Integer.MAX_VALUE, new Answer(503, Map.of(), ""));
      CliRun run = run(proxy, out);

      assertThat(proxy.faultsServed()).isGreaterThanOrEqualTo(4);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("whether the server applied the transaction is unknown")
                      .contains("Rerun to make sure")
                      .doesNotContain("nothing was written"));
      assertThat(run.err()).doesNotContain("\tat ");
    }
    // The server did apply it (the proxy forwarded every attempt): a rerun replaces, never
    // duplicates.
    assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
    assertThat(runDirect(out).exitCode()).isZero();
    assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
  }

  @Test
  void twoRunsAtOnceBothFinishWithOneReport(@TempDir Path out) throws Exception {
    CompletableFuture<CliRun> first =
        CompletableFuture.supplyAsync(() -> runDirect(out.resolve("a")));
    CompletableFuture<CliRun> second =
        CompletableFuture.supplyAsync(() -> runDirect(out.resolve("b")));

    assertThat(first.get().exitCode()).as(first.get().err()).isZero();
    assertThat(second.get().exitCode()).as(second.get().err()).isZero();
    assertThat(SandboxData.count(server, "MeasureReport", REPORTS)).isEqualTo(1);
  }

  private CliRun run(FaultProxy proxy, Path out, String... extra) {
    return run(proxy.baseUrl(server.baseUrl()), out, extra);
  }

  private CliRun runDirect(Path out) {
    return run(server.baseUrl(), out);
  }

  private static CliRun run(String baseUrl, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set",
                "llm.pipeline.data-cutoff=" + CUTOFF,
                "--set",
                "llm.source.retry.initial-wait-ms=50",
                "--set",
                "llm.source.retry.max-wait-seconds=1",
                "--set",
                "llm.source.retry.max-attempts=4"));
    args.addAll(List.of(extra));
    return CliRun.job(baseUrl, out.toString(), args.toArray(String[]::new));
  }
}
