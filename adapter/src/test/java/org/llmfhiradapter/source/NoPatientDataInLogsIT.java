package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.testing.FaultProxy;
import org.llmfhiradapter.testing.FaultProxy.Answer;
import org.slf4j.LoggerFactory;

/**
 * The whole job at DEBUG (ours, Camel's and the HAPI client's loggers), once as it should go and
 * once through failures (retried searches, a server message quoting a chart, a refused publish): no
 * log line carries a patient's name, birth date, identifier or record id.
 */
@ExtendWith(SharedSandbox.class)
class NoPatientDataInLogsIT {

  private static final Set<String> DEBUG_LOGGERS =
      Set.of(
          "org.llmfhiradapter", "org.apache.camel", "ca.uhn.fhir.rest.client", "org.apache.http");

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<String, Level> before = new HashMap<>();
  private Appender<ILoggingEvent> console;

  @BeforeEach
  void captureAtDebug() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    captured.setContext(context);
    captured.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(captured);
    // Captured, not printed: two jobs at DEBUG would add some 1,600 lines to the build's output.
    console = root.getAppender("STDERR");
    root.detachAppender(console);
    for (String name : DEBUG_LOGGERS) {
      Logger logger = context.getLogger(name);
      before.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void restore() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAppender(captured);
    if (console != null) {
      root.addAppender(console);
    }
    before.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  @Test
  void aDebugRunLogsNoNameBirthDateIdentifierOrRecordId(SandboxServer server, @TempDir Path out) {
    Path small = SandboxData.FIXTURES.resolve("small");
    SandboxData.resetAndSeed(server, small);

    CliRun run = CliRun.job(server.baseUrl(), out.toString(), "--set", "llm.source.page-size=2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = lines();
    assertThat(lines).as("something was logged at DEBUG").hasSizeGreaterThan(20);
    // Each request, as an engineer reads it: type, parameter names, paging, status and time.
    String requests = "org.llmfhiradapter.source.RequestLog ";
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line).startsWith(requests + "GET Condition?code&_count=2 -> 200 in "))
        .anySatisfy(line -> assertThat(line).startsWith(requests + "GET (base)?(next page)"))
        .anySatisfy(line -> assertThat(line).startsWith(requests + "GET Observation?patient"));
    assertNoPatientData(lines, small);
  }

  /**
   * Retries and errors are where patient data leaks: a request's URL (it names the patient) in a
   * retry warning, a server's message that quotes the chart it failed on. Searches answered 503,
   * then 500 with a message naming the patient; then a publish the registry refuses, every time,
   * with a message about the report.
   */
  @Test
  void retriesAndAFailedPublishLogNoPatientDataEither(SandboxServer server, @TempDir Path out)
      throws Exception {
    Path small = SandboxData.FIXTURES.resolve("small");
    SandboxData.resetAndSeed(server, small);
    CaseRow first = CaseTable.read(small.resolve("cases.csv")).get(0);
    String quoting =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":"
            + "\"processing\",\"diagnostics\":\"Failed on Patient/"
            + first.id()
            + " (Synthetic Person, born "
            + first.birthDate()
            + ", MRN SYN-"
            + first.id()
            + ")\"}]}";
    try (FaultProxy proxy = FaultProxy.start(server.baseUrl())) {
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Observation?patient"),
          2,
          new Answer(503, Map.of(), ""));
      proxy.on(
          r -> r.pathAndQuery().startsWith("/fhir/Condition?patient"),
          1,
          new Answer(500, Map.of("Content-Type", "application/fhir+json"), quoting));
      // A registry refuses the report with a message about the report (ours carries no patient),
      // which the operator needs to read.
      String refusal =
          "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":"
              + "\"invalid\",\"diagnostics\":\"Profile of MeasureReport not supported by this registry\"}]}";
      proxy.on(
          r -> r.method().equals("POST") && r.pathAndQuery().equals("/fhir"),
          Integer.MAX_VALUE,
          new Answer(400, Map.of("Content-Type", "application/fhir+json"), refusal));

      // --allow-partial: the patient whose search failed is set aside and the run goes on to
      // publish.
      CliRun run =
          CliRun.of(
              "run",
              "--base-url",
              proxy.baseUrl(server.baseUrl()),
              "--out",
              out.toString(),
              "--allow-partial",
              "--set",
              "llm.pipeline.routes=../routes",
              "--set",
              "llm.source.retry.initial-wait-ms=50",
              "--set",
              "llm.source.retry.max-wait-seconds=1",
              "--set",
              "llm.source.retry.max-attempts=4");

      assertThat(proxy.faultsServed())
          .as("searches failed, then every publish: " + run.err())
          .isGreaterThanOrEqualTo(4);
      assertThat(run.exitCode()).as(run.err()).isNotZero();
      List<String> lines = lines();
      assertThat(lines)
          .as("the retries were logged")
          .anySatisfy(line -> assertThat(line).contains("503"));
      assertThat(run.err())
          .as("the registry's refusal, as it said it")
          .contains("Profile of MeasureReport not supported by this registry");
      assertThat(lines)
          .as("the failed search, without the server's text")
          .anySatisfy(
              line -> assertThat(line).contains("answered HTTP 500; issues: error processing"));
      assertNoPatientData(lines, small);
      assertThat(run.err())
          .doesNotContain(first.birthDate().toString())
          .doesNotContain("Synthetic Person");
    }
  }

  private static void assertNoPatientData(List<String> lines, Path fixtures) {
    List<String> forbidden = new ArrayList<>(List.of("Synthetic", "SYN-"));
    for (CaseRow row : CaseTable.read(fixtures.resolve("cases.csv"))) {
      forbidden.add(row.id());
      forbidden.add(row.birthDate().toString());
    }
    for (String line : lines) {
      for (String word : forbidden) {
        // A whole token: an object's hash in a framework's line (DefaultThreadPoolFactory@1ad00694)
        // is no id.
        assertThat(line)
            .as("log line names patient data '" + word + "'")
            .doesNotContainPattern(
                "(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(word) + "(?![A-Za-z0-9])");
      }
    }
  }

  private List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : captured.list) {
      lines.add(event.getLoggerName() + " " + event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    return lines;
  }
}
