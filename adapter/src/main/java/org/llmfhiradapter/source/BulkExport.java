package org.llmfhiradapter.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.llmfhiradapter.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FHIR Bulk Data export of a Group's patients ({@code Group/[id]/$export}, the async pattern): kick-off, status
 * polling that honours {@code Retry-After} and gives up after {@code maxWait} (cancelling the job), and the
 * manifest's NDJSON files downloaded as streams, each line filed under its patient in a spill folder on disk,
 * never held whole in memory. Credentials go with a file only when the manifest says they are required and the
 * file is on the server's own origin. Transient failures (429, 502-504, connections cut) are retried as the
 * searches are.
 */
final class BulkExport {

  private static final Logger log = LoggerFactory.getLogger(BulkExport.class);

  static final String TYPES = "Patient,Condition,Procedure,Observation";

  private final String baseUrl;
  private final Authentication authentication;
  private final RetryPolicy retry;
  private final Duration maxWait;
  private final Duration maxPoll;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * What an export gave.
   *
   * @param files the spilled NDJSON per patient id
   * @param errors OperationOutcome issues of the manifest's error files, counted by issue code
   */
  record Result(Map<String, Path> files, Map<String, Integer> errors) {}

  BulkExport(String baseUrl, Authentication authentication, AdapterConfig.Source config, Duration maxWait) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.authentication = authentication;
    this.retry = new RetryPolicy(config.retry());
    this.maxWait = maxWait;
    this.maxPoll = config.bulkMaxPoll();
    // Redirect.NEVER: a file or status URL that moved elsewhere is not followed with our credentials.
    this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Exports the Group's patients into {@code spill} (one file per patient). */
  Result run(String groupId, Path spill) {
    String kickOff = baseUrl + "/Group/" + URLEncoder.encode(groupId, StandardCharsets.UTF_8) + "/$export?_type="
        + TYPES;
    HttpResponse<String> accepted = send("Bulk export kick-off", get(kickOff, "application/fhir+json", true)
        .header("Prefer", "respond-async").build(), HttpResponse.BodyHandlers.ofString());
    if (accepted.statusCode() != 202) {
      throw new SourceException("Bulk export kick-off: the FHIR server at " + baseUrl + " answered HTTP "
          + accepted.statusCode() + " instead of 202 Accepted (does it support Group-level $export?)");
    }
    String status = accepted.headers().firstValue("Content-Location").orElseThrow(
        () -> new SourceException("Bulk export kick-off: the answer names no status URL (Content-Location)"));
    if (authentication.authorizationFor(status).isEmpty() && authentication.authorizationFor(kickOff).isPresent()) {
      throw new SourceException("Bulk export: the status URL is on another origin than " + baseUrl
          + "; the adapter sends no credentials there");
    }
    // Stopped while the export runs (Ctrl-C, SIGTERM from a scheduler): the job is cancelled on the server, not
    // left to run for nobody.
    Thread cancelOnExit = new Thread(() -> cancel(status), "llm-bulk-cancel");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      JsonNode manifest = poll(status);
      return download(manifest, spill);
    } catch (RuntimeException e) {
      cancel(status);
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting: the hook runs.
      }
    }
  }

  private JsonNode poll(String status) {
    Instant deadline = Instant.now().plus(maxWait);
    while (true) {
      HttpResponse<String> answer =
          send("Bulk export status", get(status, "application/json", true).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        try {
          return json.readTree(answer.body());
        } catch (IOException e) {
          throw new SourceException("Bulk export status: the manifest is not JSON (" + e.getMessage() + ")");
        }
      }
      if (answer.statusCode() != 202) {
        throw new SourceException("Bulk export status: the FHIR server at " + baseUrl + " answered HTTP "
            + answer.statusCode() + " while the export ran");
      }
      // Honour Retry-After within reason: at least half a second, at most llm.source.bulk.max-poll-interval-seconds.
      Duration wait = RetryPolicy.retryAfter(answer.headers().map(), Instant.now()).orElse(Duration.ofSeconds(2));
      wait = wait.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500)
          : wait.compareTo(maxPoll) > 0 ? maxPoll : wait;
      if (Instant.now().plus(wait).isAfter(deadline)) {
        throw new SourceException("Bulk export: not ready after " + maxWait.toSeconds() + " s ("
            + answer.headers().firstValue("X-Progress").orElse("no progress given")
            + "); raise llm.source.bulk.max-wait-seconds, or pull by search");
      }
      log.debug("Bulk export in progress: {}", answer.headers().firstValue("X-Progress").orElse(""));
      sleep(wait);
    }
  }

  private Result download(JsonNode manifest, Path spill) {
    boolean tokenRequired = manifest.path("requiresAccessToken").asBoolean(false);
    Map<String, Path> files = new LinkedHashMap<>();
    int count = 0;
    for (JsonNode output : manifest.path("output")) {
      count += lines(output.path("url").asText(), tokenRequired, "Bulk export file of " + output.path("type").asText(),
          line -> spill(line, spill, files));
    }
    Map<String, Integer> errors = new TreeMap<>();
    for (JsonNode error : manifest.path("error")) {
      lines(error.path("url").asText(), tokenRequired, "Bulk export error file", line -> {
        for (JsonNode issue : json.readTree(line).path("issue")) {
          errors.merge(issue.path("code").asText("unknown"), 1, Integer::sum);
        }
      });
    }
    log.info("Bulk export: {} resources of {} patients downloaded{}", count, files.size(),
        errors.isEmpty() ? "" : ", server-reported errors by code " + errors);
    return new Result(files, errors);
  }

  @FunctionalInterface
  private interface LineSink {
    void accept(String line) throws IOException;
  }

  /**
   * One NDJSON file, streamed to a temporary file on disk (credentials only when required and on the server's
   * origin), then handed line by line to {@code sink}. A download that breaks off, or ends in a line that is not
   * JSON (a body cut short), is fetched again whole, so that no line is handed on twice or lost.
   */
  private int lines(String url, boolean tokenRequired, String description, LineSink sink) {
    Path file = null;
    try {
      file = Files.createTempFile("llm-bulk-file-", ".ndjson");
      List<JsonNode> checked = null;
      for (int attempt = 1; checked == null; attempt++) {
        HttpResponse<Path> answer = send(description, get(url, "application/fhir+ndjson", tokenRequired).build(),
            HttpResponse.BodyHandlers.ofFile(file));
        if (answer.statusCode() != 200) {
          throw new SourceException(description + ": HTTP " + answer.statusCode() + " from " + baseUrl);
        }
        checked = complete(file);
        if (checked == null) {
          if (attempt >= retry.maxAttempts()) {
            throw new SourceException(description + ": the file arrived cut short " + attempt + " times");
          }
          log.info("{}: the file arrived cut short, fetching it again", description);
        }
      }
      int count = 0;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!line.isBlank()) {
            sink.accept(line);
            count++;
          }
        }
      }
      return count;
    } catch (IOException e) {
      throw new SourceException(description + ": " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // A temporary file left behind holds no more than the spill folder does.
        }
      }
    }
  }

  /** Whether every line of a downloaded file is a JSON object (an empty list for yes, null for a cut file). */
  private List<JsonNode> complete(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          try {
            if (!json.readTree(line).isObject()) {
              return null;
            }
          } catch (IOException e) {
            return null;
          }
        }
      }
    }
    return List.of();
  }

  /** Files one resource line under its patient (the Patient's own id, or its subject). */
  private void spill(String line, Path spill, Map<String, Path> files) throws IOException {
    JsonNode resource = json.readTree(line);
    String patient = resource.path("resourceType").asText().equals("Patient")
        ? resource.path("id").asText(null)
        : FhirSource.patientId(new org.hl7.fhir.r4.model.Reference(resource.path("subject").path("reference").asText()));
    if (patient == null || patient.isEmpty()) {
      return;
    }
    Path file = files.computeIfAbsent(patient, id -> spill.resolve(fileName(id)));
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      out.write(line);
      out.newLine();
    }
  }

  /** A file name that does not spell the record id. */
  private static String fileName(String patientId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(patientId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16) + ".ndjson";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  private void cancel(String status) {
    try {
      http.send(get(status, "application/fhir+json", true).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException | RuntimeException e) {
      log.debug("Cancelling the bulk export failed: {}", e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest.Builder get(String url, String accept, boolean withCredentials) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET();
    if (withCredentials) {
      authentication.authorizationFor(url).ifPresent(value -> request.header("Authorization", value));
    }
    return request;
  }

  /** Sends with the retries of the searches: 429, 502-504 and broken connections are tried again. */
  private <T> HttpResponse<T> send(String description, HttpRequest request, HttpResponse.BodyHandler<T> body) {
    Instant start = Instant.now();
    for (int attempt = 1; ; attempt++) {
      String reason;
      Optional<Duration> retryAfter = Optional.empty();
      try {
        authentication.prepare();
        HttpResponse<T> answer = http.send(request, body);
        if (!RetryPolicy.RETRYABLE_STATUS.contains(answer.statusCode())) {
          return answer;
        }
        reason = "HTTP " + answer.statusCode();
        retryAfter = RetryPolicy.retryAfter(answer.headers().map(), Instant.now());
      } catch (IOException e) {
        // A connection refused, reset or cut mid-body: the request (a GET) is sent again whole.
        reason = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException(description + ": interrupted");
      }
      Duration wait = retry.waitAfter(attempt, retryAfter);
      if (attempt >= retry.maxAttempts() || Duration.between(start, Instant.now().plus(wait)).compareTo(retry.budget()) > 0) {
        throw new SourceException(description + ": " + reason + " from " + baseUrl + " after " + attempt + " attempts");
      }
      log.info("{}: {}, trying again in {} ms", description, reason, wait.toMillis());
      sleep(wait);
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

  /** Deletes a spill folder and what is in it. */
  static void delete(Path spill) {
    if (spill == null || !Files.isDirectory(spill)) {
      return;
    }
    try (var files = Files.list(spill)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(spill);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> typesList() {
    return List.of(TYPES.split(","));
  }
}
