package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
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
import org.slf4j.LoggerFactory;

/**
 * The whole job at DEBUG (ours, Camel's and the HAPI client's loggers), with a failure on the way: no log line
 * carries a patient's name, birth date, identifier or record id.
 */
@ExtendWith(SharedSandbox.class)
class NoPatientDataInLogsIT {

  private static final Set<String> DEBUG_LOGGERS =
      Set.of("org.llmfhiradapter", "org.apache.camel", "ca.uhn.fhir.rest.client", "org.apache.http");

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<String, Level> before = new HashMap<>();

  @BeforeEach
  void captureAtDebug() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    captured.setContext(context);
    captured.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
    for (String name : DEBUG_LOGGERS) {
      Logger logger = context.getLogger(name);
      before.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void restore() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    before.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  @Test
  void aDebugRunLogsNoNameBirthDateIdentifierOrRecordId(SandboxServer server, @TempDir Path out) {
    Path small = SandboxData.FIXTURES.resolve("small");
    SandboxData.resetAndSeed(server, small);

    CliRun run = CliRun.of("run", "--base-url", server.baseUrl(), "--out", out.toString(),
        "--set", "llm.pipeline.routes=../routes", "--set", "llm.source.page-size=2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = lines();
    assertThat(lines).as("something was logged at DEBUG").hasSizeGreaterThan(20);
    // Each request, as an engineer reads it: type, parameter names, paging, status and time.
    String requests = "org.llmfhiradapter.source.RequestLog ";
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(requests + "GET Condition?code&_count=2 -> 200 in "))
        .anySatisfy(line -> assertThat(line).startsWith(requests + "GET (base)?(next page)"))
        .anySatisfy(line -> assertThat(line).startsWith(requests + "GET Observation?patient"));
    List<String> forbidden = new ArrayList<>(List.of("Synthetic", "SYN-"));
    for (CaseRow row : CaseTable.read(small.resolve("cases.csv"))) {
      forbidden.add(row.id());
      forbidden.add(row.birthDate().toString());
    }
    for (String line : lines) {
      for (String word : forbidden) {
        // A whole token: an object's hash in a framework's line (DefaultThreadPoolFactory@1ad00694) is no id.
        assertThat(line).as("log line names patient data '" + word + "'")
            .doesNotContainPattern("(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(word) + "(?![A-Za-z0-9])");
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
