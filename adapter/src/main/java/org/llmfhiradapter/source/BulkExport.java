package org.llmfhiradapter.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.llmfhiradapter.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FHIR Bulk Data export (the async pattern): kick-off of {@code Group/[id]/$export}, or of {@code
 * Patient/$export} with the patients listed (Bulk Data v2, as Oracle Health offers it); status
 * polling that honours {@code Retry-After} and gives up after {@code maxWait}, cancelling the job;
 * and the manifest's NDJSON files read as streams straight into a {@link BulkSpill}, each file a
 * unit that a cut download rolls back, so that it is fetched again whole. Credentials go with a
 * file only when the manifest says they are required and the file is on the server's own origin.
 * Transient failures (429, 502-504, connections cut) are retried as the searches are. Once the
 * files are in, a DELETE on the status URL lets the server remove them.
 */
final class BulkExport {

  private static final Logger log = LoggerFactory.getLogger(BulkExport.class);

  static final String TYPES = "Patient,Condition,Procedure,Observation";

  private final String baseUrl;
  private final Authentication authentication;
  private final RetryPolicy retry;
  private final Duration maxWait;
  private final Duration maxPoll;
  private final int parallelDownloads;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * What to export.
   *
   * @param groupId the Group whose members are exported; null to export {@code patients} instead
   * @param patients the patients of a {@code Patient/$export} (when there is no Group)
   * @param since only resources changed after this instant (an incremental export); null for
   *     everything
   * @param typeFilters {@code _typeFilter} queries ({@code Observation?code=...}); empty for none
   */
  record Request(String groupId, List<String> patients, Instant since, List<String> typeFilters) {
    Request {
      patients = List.copyOf(patients);
      typeFilters = List.copyOf(typeFilters);
    }
  }

  /**
   * What an export gave (its lines are in the spill).
   *
   * @param resources lines filed under a patient
   * @param errors OperationOutcome issues of the manifest's error files, counted by issue code
   * @param transactionTime the server's time of the export: everything changed up to it is in (the
   *     next incremental export starts there); null when the manifest gives none
   * @param waited from the kick-off to the manifest (the server building the export)
   * @param downloaded from the manifest to the last file filed
   */
  record Result(
      int resources,
      Map<String, Integer> errors,
      Instant transactionTime,
      Duration waited,
      Duration downloaded) {}

  BulkExport(
      String baseUrl,
      Authentication authentication,
      AdapterConfig.Source config,
      Duration maxWait) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.authentication = authentication;
    this.retry = new RetryPolicy(config.retry());
    this.maxWait = maxWait;
    this.maxPoll = config.bulkMaxPoll();
    this.parallelDownloads = config.bulkParallelDownloads();
    // Redirect.NEVER: a file or status URL that moved elsewhere is not followed with our
    // credentials.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Runs the export, its files filed by patient into {@code spill}. */
  Result run(Request what, BulkSpill spill) {
    long started = System.nanoTime();
    HttpRequest kickOff = kickOff(what);
    String kickOffUrl = kickOff.uri().toString();
    HttpResponse<String> accepted =
        send("Bulk export kick-off", kickOff, HttpResponse.BodyHandlers.ofString());
    if (accepted.statusCode() != 202) {
      throw new SourceException(
          "Bulk export kick-off: the FHIR server at "
              + baseUrl
              + " answered HTTP "
              + accepted.statusCode()
              + " instead of 202 Accepted (does it support "
              + (what.groupId() != null
                  ? "Group-level $export"
                  : "Patient/$export with a patient list")
              + "?)"
              + issues(accepted.body()));
    }
    String status =
        accepted
            .headers()
            .firstValue("Content-Location")
            .orElseThrow(
                () ->
                    new SourceException(
                        "Bulk export kick-off: the answer names no status URL (Content-Location)"));
    if (authentication.authorizationFor(status).isEmpty()
        && authentication.authorizationFor(kickOffUrl).isPresent()) {
      throw new SourceException(
          "Bulk export: the status URL is on another origin than "
              + baseUrl
              + "; the adapter sends no credentials there");
    }
    // Stopped while the export runs (Ctrl-C, SIGTERM from a scheduler): the job is cancelled on the
    // server, not left to run for nobody.
    Thread cancelOnExit = new Thread(() -> delete(status), "llm-bulk-cancel");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      JsonNode manifest = poll(status);
      long ready = System.nanoTime();
      Result result = download(manifest, spill, Duration.ofNanos(ready - started));
      // Downloaded: the server may delete the files now (Bulk Data's DELETE after completion;
      // Oracle Health asks for it). Exported charts should not wait on a server for weeks.
      delete(status);
      log.info(
          "Bulk export: ready after {} s, downloaded in {} s",
          seconds(result.waited()),
          seconds(result.downloaded()));
      return result;
    } catch (RuntimeException e) {
      delete(status);
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting: the hook runs.
      }
    }
  }

  /**
   * The kick-off: a GET on the Group, or a POST of Parameters naming the patients (the patient list
   * would not fit a URL, and Bulk Data v2 takes it only in a body).
   */
  private HttpRequest kickOff(Request what) {
    String since =
        what.since() == null ? null : what.since().truncatedTo(ChronoUnit.MILLIS).toString();
    if (what.groupId() != null) {
      StringBuilder url =
          new StringBuilder(baseUrl)
              .append("/Group/")
              .append(VendorSearches.encode(what.groupId()))
              .append("/$export?_type=")
              .append(TYPES);
      if (since != null) {
        url.append("&_since=").append(VendorSearches.encode(since));
      }
      for (String filter : what.typeFilters()) {
        url.append("&_typeFilter=").append(VendorSearches.encode(filter));
      }
      return get(url.toString(), "application/fhir+json", true)
          .header("Prefer", "respond-async")
          .build();
    }
    ObjectNode parameters = json.createObjectNode().put("resourceType", "Parameters");
    ArrayNode parameter = parameters.putArray("parameter");
    parameter.addObject().put("name", "_type").put("valueString", TYPES);
    if (since != null) {
      parameter.addObject().put("name", "_since").put("valueInstant", since);
    }
    for (String filter : what.typeFilters()) {
      parameter.addObject().put("name", "_typeFilter").put("valueString", filter);
    }
    for (String patient : what.patients()) {
      parameter
          .addObject()
          .put("name", "patient")
          .putObject("valueReference")
          .put("reference", "Patient/" + patient);
    }
    String url = baseUrl + "/Patient/$export";
    HttpRequest.Builder post =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "application/fhir+json")
            .header("Prefer", "respond-async")
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(parameters.toString()));
    authentication.authorizationFor(url).ifPresent(value -> post.header("Authorization", value));
    return post.build();
  }

  private JsonNode poll(String status) {
    Instant started = Instant.now();
    Instant deadline = started.plus(maxWait);
    Instant nextProgress = started.plusSeconds(30);
    Duration wait = null;
    while (true) {
      HttpResponse<String> answer =
          send(
              "Bulk export status",
              get(status, "application/json", true).build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        try {
          return json.readTree(answer.body());
        } catch (IOException e) {
          throw new SourceException(
              "Bulk export status: the manifest is not JSON (" + e.getMessage() + ")");
        }
      }
      if (answer.statusCode() != 202) {
        throw new SourceException(
            "Bulk export status: the FHIR server at "
                + baseUrl
                + " answered HTTP "
                + answer.statusCode()
                + " while the export ran"
                + issues(answer.body()));
      }
      wait = pollWait(RetryPolicy.retryAfter(answer.headers().map(), Instant.now()), wait, maxPoll);
      String progress = answer.headers().firstValue("X-Progress").orElse("no progress given");
      if (Instant.now().plus(wait).isAfter(deadline)) {
        throw new SourceException(
            "Bulk export: not ready after "
                + maxWait.toSeconds()
                + " s ("
                + progress
                + "); raise llm.source.bulk.max-wait-seconds, or pull by search");
      }
      // Progress on long work: the server's own words (X-Progress) at most every half minute.
      if (Instant.now().isAfter(nextProgress)) {
        log.info(
            "Bulk export in progress for {} s ({})",
            Duration.between(started, Instant.now()).toSeconds(),
            progress);
        nextProgress = Instant.now().plusSeconds(30);
      } else {
        log.debug("Bulk export in progress ({}), asking again in {} ms", progress, wait.toMillis());
      }
      sleep(wait);
    }
  }

  /**
   * The wait before the next status poll: the server's {@code Retry-After} within reason (at least
   * half a second, at most {@code maxPoll}); without one, 1 s at first and twice the last wait
   * after that, up to {@code maxPoll}, so that a long export is not asked about every second for an
   * hour.
   *
   * @param previous the last wait, null before the first
   */
  static Duration pollWait(Optional<Duration> retryAfter, Duration previous, Duration maxPoll) {
    Duration wait =
        retryAfter.orElse(previous == null ? Duration.ofSeconds(1) : previous.multipliedBy(2));
    if (wait.compareTo(Duration.ofMillis(500)) < 0) {
      wait = Duration.ofMillis(500);
    }
    return wait.compareTo(maxPoll) > 0 ? maxPoll : wait;
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f", duration.toNanos() / 1e9);
  }

  /**
   * The manifest's files, {@code parallelDownloads} at a time, each streamed into a spill file of
   * its worker; then the error files. The first file that cannot be had stops the others.
   */
  private Result download(JsonNode manifest, BulkSpill spill, Duration waited) {
    long start = System.nanoTime();
    boolean tokenRequired = manifest.path("requiresAccessToken").asBoolean(false);
    List<JsonNode> outputs = new ArrayList<>();
    manifest.path("output").forEach(outputs::add);
    int[] kept = new int[outputs.size()];
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(parallelDownloads, outputs.size());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, workers),
            runnable -> {
              Thread thread = new Thread(runnable, "llm-bulk-download");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> downloads = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        downloads.add(
            pool.submit(
                () -> {
                  BulkSpill.Writer writer = spill.writer();
                  for (int i = next.getAndIncrement();
                      i < outputs.size();
                      i = next.getAndIncrement()) {
                    kept[i] = file(outputs.get(i), i, writer, tokenRequired);
                  }
                  return null;
                }));
      }
      for (Future<?> download : downloads) {
        download.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new SourceException("Bulk export download failed (" + e.getCause() + ")", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("Bulk export: interrupted");
    } finally {
      pool.shutdownNow();
    }
    int count = 0;
    Map<String, Integer> byType = new TreeMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      count += kept[i];
      byType.merge(outputs.get(i).path("type").asText(), kept[i], Integer::sum);
    }
    Map<String, Integer> errors = new TreeMap<>();
    for (JsonNode error : manifest.path("error")) {
      lines(
          error.path("url").asText(),
          tokenRequired,
          "Bulk export error file",
          new Unit() {
            final Map<String, Integer> counted = new TreeMap<>();

            @Override
            public void begin() {
              counted.clear();
            }

            @Override
            public void accept(byte[] bytes, int offset, int length) throws IOException {
              for (JsonNode issue : json.readTree(bytes, offset, length).path("issue")) {
                counted.merge(issue.path("code").asText("unknown"), 1, Integer::sum);
              }
            }

            @Override
            public int commit() {
              counted.forEach((code, n) -> errors.merge(code, n, Integer::sum));
              return 0;
            }

            @Override
            public void rollBack() {
              counted.clear();
            }
          });
    }
    log.info(
        "Bulk export: {} resources of {} patients downloaded {}{}{}",
        spill.filed(),
        spill.patients().size(),
        byType,
        spill.unfiled() == 0 ? "" : ", " + spill.unfiled() + " naming no patient left out",
        errors.isEmpty() ? "" : ", server-reported errors by code " + errors);
    return new Result(
        count,
        errors,
        transactionTime(manifest),
        waited,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * One output file of the manifest, the {@code unit}-th, into the writer's spill file: the lines
   * kept.
   */
  private int file(JsonNode output, int unit, BulkSpill.Writer writer, boolean tokenRequired) {
    String description = "Bulk export file of " + output.path("type").asText();
    // The manifest's optional resource count: a body cut at a line's end, well framed, is only
    // seen by it.
    long count = output.path("count").canConvertToLong() ? output.path("count").asLong() : -1;
    return lines(
        output.path("url").asText(),
        tokenRequired,
        description,
        new Unit() {
          int added;
          long read;

          @Override
          public void begin() {
            writer.begin(unit);
            added = 0;
            read = 0;
          }

          @Override
          public void accept(byte[] bytes, int offset, int length) throws IOException {
            read++;
            if (writer.add(bytes, offset, length) != null) {
              added++;
            }
          }

          @Override
          public int commit() throws IOException {
            if (read < count) {
              throw new FewerLinesThanCounted(read, count);
            }
            writer.commit();
            return added;
          }

          @Override
          public void rollBack() throws IOException {
            writer.rollBack();
          }
        });
  }

  private static Instant transactionTime(JsonNode manifest) {
    String text = manifest.path("transactionTime").asText("");
    try {
      return text.isEmpty() ? null : java.time.OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A file with fewer lines than its manifest entry counts: cut short at a line's end. */
  private static final class FewerLinesThanCounted extends IOException {
    FewerLinesThanCounted(long read, long count) {
      super(read + " of the " + count + " resources the manifest counts");
    }
  }

  /** Where one file's lines go: all of them, or (after {@link #rollBack}) none. */
  private interface Unit {
    void begin();

    void accept(byte[] bytes, int offset, int length) throws IOException;

    /**
     * @return the lines kept
     */
    int commit() throws IOException;

    void rollBack() throws IOException;
  }

  /**
   * One NDJSON file, read as a stream line by line into {@code unit} (credentials only when
   * required and on the server's origin). A download that breaks off, or has a line that is not
   * JSON (a body cut short), is rolled back and fetched again whole, so that no line is handed on
   * twice or lost.
   */
  private int lines(String url, boolean tokenRequired, String description, Unit unit) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<InputStream> answer =
          send(
              description,
              get(url, "application/fhir+ndjson", tokenRequired).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (answer.statusCode() != 200) {
        close(answer.body());
        throw new SourceException(
            description + ": HTTP " + answer.statusCode() + " from " + baseUrl);
      }
      unit.begin();
      try (InputStream body = answer.body()) {
        NdjsonLines.read(body, unit::accept);
        return unit.commit();
      } catch (IOException e) {
        rollBack(unit, description);
        // A parser's message may quote the line (patient data): only our own count is told.
        String why =
            e instanceof FewerLinesThanCounted ? e.getMessage() : e.getClass().getSimpleName();
        if (attempt >= retry.maxAttempts()) {
          throw new SourceException(
              description + ": the file arrived cut short " + attempt + " times (" + why + ")");
        }
        Duration wait = retry.waitAfter(attempt, Optional.empty());
        log.info(
            "{}: the file arrived cut short ({}), fetching it again in {} ms",
            description,
            why,
            wait.toMillis());
        sleep(wait);
      }
    }
  }

  private static void rollBack(Unit unit, String description) {
    try {
      unit.rollBack();
    } catch (IOException e) {
      throw new SourceException(
          description + ": the spill file cannot be rolled back (" + e.getMessage() + ")", e);
    }
  }

  /**
   * DELETE on the status URL: cancels a running export, or lets the server delete a finished one's
   * files. Once, best effort: the pull's result does not depend on it.
   */
  private void delete(String status) {
    try {
      FhirConnection.countRequest();
      http.send(
          get(status, "application/fhir+json", true).DELETE().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException | RuntimeException e) {
      log.debug("Deleting the bulk export failed: {}", e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest.Builder get(String url, String accept, boolean withCredentials) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET();
    if (withCredentials) {
      authentication
          .authorizationFor(url)
          .ifPresent(value -> request.header("Authorization", value));
    }
    return request;
  }

  /**
   * Sends with the retries of the searches: 429, 502-504 and broken connections are tried again. A
   * kick-off POST is retried too: it only asks for an export, and an export started twice costs the
   * server work, not data.
   */
  private <T> HttpResponse<T> send(
      String description, HttpRequest request, HttpResponse.BodyHandler<T> body) {
    Instant start = Instant.now();
    for (int attempt = 1; ; attempt++) {
      String reason;
      Optional<Duration> retryAfter = Optional.empty();
      try {
        authentication.prepare();
        FhirConnection.countRequest();
        HttpResponse<T> answer = http.send(request, body);
        if (!RetryPolicy.RETRYABLE_STATUS.contains(answer.statusCode())) {
          return answer;
        }
        close(answer.body());
        reason = "HTTP " + answer.statusCode();
        retryAfter = RetryPolicy.retryAfter(answer.headers().map(), Instant.now());
      } catch (IOException e) {
        // A connection refused, reset or cut: the request is sent again whole.
        reason = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException(description + ": interrupted");
      }
      Duration wait = retry.waitAfter(attempt, retryAfter);
      if (attempt >= retry.maxAttempts()
          || Duration.between(start, Instant.now().plus(wait)).compareTo(retry.budget()) > 0) {
        throw new SourceException(
            description + ": " + reason + " from " + baseUrl + " after " + attempt + " attempts");
      }
      log.info("{}: {}, trying again in {} ms", description, reason, wait.toMillis());
      sleep(wait);
    }
  }

  /**
   * The first issue's diagnostics of an OperationOutcome answer (what the server says went wrong),
   * if any.
   */
  /** The issue codes of an OperationOutcome answer, never its text (see {@link ServerText}). */
  private String issues(String body) {
    try {
      return ServerText.issuesOf(json.readTree(body == null || body.isBlank() ? "{}" : body));
    } catch (IOException e) {
      return "; " + ServerText.LEFT_OUT;
    }
  }

  private static void close(Object body) {
    if (body instanceof InputStream stream) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // Only the connection's reuse is lost.
      }
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("Bulk export: interrupted");
    }
  }
}
