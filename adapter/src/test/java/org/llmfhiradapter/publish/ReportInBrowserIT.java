package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;

/**
 * report.html in a real browser (Debian's chromium, headless): it renders, logs no console message
 * and asks the network for nothing (every request goes through a proxy that records it; the
 * browser's own update and account services are told apart by host). The first page is kept as
 * {@code target/report-artifacts/report-first-page.png}. Where chromium is absent the test is
 * skipped, unless {@code LLM_TEST_CHROMIUM=required} (set by .ci/run, which installs it).
 */
class ReportInBrowserIT {

  private static final LocalDate CUTOFF = LocalDate.of(2026, 11, 30);

  /** The browser's own services, which it calls whatever the page. */
  private static final Pattern BROWSER_SERVICES =
      Pattern.compile(
          "(?i)^\\S+ (https?://)?[^/ ]*(google\\.com|googleapis\\.com|gvt1\\.com|gstatic\\.com)[:/ ].*");

  /** What a run of the browser left: its log and the requests that were not its own services'. */
  private record Visit(String log, List<String> requests) {}

  @Test
  void theReportRendersWithNoConsoleMessageAndNoNetworkRequest() throws Exception {
    String chromium = chromium();
    Path dir = Files.createDirectories(Path.of("target", "report-artifacts")).toAbsolutePath();
    Path html = dir.resolve("report.html");
    List<CaseRecord> records =
        CaseTable.read(Path.of("../fixtures/paper/cases.csv")).stream()
            .map(row -> ExpectedRecord.of(row, CUTOFF))
            .toList();
    StudyRun run =
        new StudyRun(
            RunLineage.of(List.of(new SourceServer("ehr", "https://ehr.example/fhir", "generic"))),
            new StudyAnalysis("paper", CUTOFF).analyze(new Cohort(records, List.of(), List.of())),
            null,
            CellSuppression.NONE);
    Files.writeString(html, ReportHtml.render(run));
    Path screenshot = dir.resolve("report-first-page.png");
    Files.deleteIfExists(screenshot);

    Visit visit = visit(chromium, html, screenshot);

    assertThat(
            visit
                .log()
                .lines()
                .filter(l -> l.contains("CONSOLE") || l.contains("Uncaught"))
                .toList())
        .as("console messages")
        .isEmpty();
    assertThat(visit.requests()).as("requests the page made to the network").isEmpty();
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png.length).as("the first page, as a PNG").isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void aPageThatFetchesSomethingIsSeenByTheProxy() throws Exception {
    String chromium = chromium();
    Path dir = Files.createDirectories(Path.of("target", "report-artifacts")).toAbsolutePath();
    Path page = dir.resolve("fetching-page.html");
    Files.writeString(
        page,
        "<!DOCTYPE html><html><body><img src=\"http://report-check.invalid/pixel.png\"/>"
            + "</body></html>");

    Visit visit = visit(chromium, page, dir.resolve("fetching-page.png"));

    assertThat(visit.requests()).anyMatch(request -> request.contains("report-check.invalid"));
  }

  private static Visit visit(String chromium, Path page, Path screenshot) throws Exception {
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    Path log = screenshot.resolveSibling(screenshot.getFileName() + ".log");
    try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread listener =
          new Thread(
              () -> {
                while (!proxy.isClosed()) {
                  try (Socket client = proxy.accept()) {
                    client.setSoTimeout(2000);
                    requests.add(
                        String.valueOf(
                            new BufferedReader(
                                    new InputStreamReader(
                                        client.getInputStream(), StandardCharsets.US_ASCII))
                                .readLine()));
                  } catch (IOException closedOrSilent) {
                    // The proxy is closed, or a client sent nothing: next.
                  }
                }
              });
      listener.setDaemon(true);
      listener.start();
      Process browser =
          new ProcessBuilder(
                  chromium,
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-default-apps",
                  "--no-first-run",
                  "--disable-domain-reliability",
                  "--proxy-server=http://127.0.0.1:" + proxy.getLocalPort(),
                  "--proxy-bypass-list=<-loopback>",
                  "--enable-logging=stderr",
                  "--v=0",
                  "--user-data-dir=" + Files.createTempDirectory("llm-chromium"),
                  "--window-size=794,1123",
                  "--screenshot=" + screenshot,
                  page.toUri().toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(browser.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
      assertThat(browser.exitValue()).as(Files.readString(log)).isZero();
    }
    List<String> fromPage =
        requests.stream().filter(r -> !BROWSER_SERVICES.matcher(r).matches()).toList();
    return new Visit(Files.readString(log), fromPage);
  }

  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    boolean required = "required".equals(System.getenv("LLM_TEST_CHROMIUM"));
    assertThat(required).as("LLM_TEST_CHROMIUM=required but no chromium on the PATH").isFalse();
    assumeThat(false).as("chromium is not installed (apt-get install chromium)").isTrue();
    return null;
  }
}
