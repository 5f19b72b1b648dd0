package org.llmfhiradapter.source;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one FHIR request to completion: retries transient failures by the {@link RetryPolicy}, renews the
 * access token once on HTTP 401, and otherwise turns HAPI's exceptions into a {@link SourceException} whose
 * message a user can act on: what was asked (resource type and search, never a patient id), what the server
 * answered, and after how many attempts.
 */
final class FhirRequests {

  private static final Logger log = LoggerFactory.getLogger(FhirRequests.class);

  /** Resource references in server messages name patients' records: they are cut to the type. */
  private static final Pattern REFERENCE = Pattern.compile("\\b([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}");

  private final String baseUrl;
  private final RetryPolicy retry;
  private final BooleanSupplier renewCredentials;

  /**
   * @param renewCredentials called on HTTP 401: drops the cached token and says whether a retry may help
   *     (false without authentication)
   */
  FhirRequests(String baseUrl, RetryPolicy retry, BooleanSupplier renewCredentials) {
    this.baseUrl = baseUrl;
    this.retry = retry;
    this.renewCredentials = renewCredentials;
  }

  <T> T call(String description, Supplier<T> request) {
    Instant start = Instant.now();
    boolean renewed = false;
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      Optional<Duration> retryAfter = Optional.empty();
      String reason;
      try {
        return request.get();
      } catch (AuthenticationException e) {
        if (!renewed && renewCredentials.getAsBoolean()) {
          renewed = true;
          log.info("{}: HTTP 401, renewing the access token and trying again", description);
          attempt--;
          continue;
        }
        throw new SourceException(
            description + ": the FHIR server at " + baseUrl + " refused the credentials (HTTP 401: "
                + firstLine(e.getMessage()) + ")", e);
      } catch (FhirClientConnectionException e) {
        failure = e;
        reason = rootCause(e);
      } catch (BaseServerResponseException e) {
        if (!RetryPolicy.RETRYABLE_STATUS.contains(e.getStatusCode())) {
          throw new SourceException(
              description + ": the FHIR server at " + baseUrl + " answered HTTP " + e.getStatusCode() + " ("
                  + firstLine(e.getMessage()) + ")", e);
        }
        failure = e;
        reason = "HTTP " + e.getStatusCode();
        retryAfter = RetryPolicy.retryAfter(e.getResponseHeaders(), Instant.now());
      } catch (DataFormatException e) {
        failure = e;
        reason = "a response that is not valid FHIR JSON (" + firstLine(e.getMessage()) + ")";
      }
      Duration wait = retry.waitAfter(attempt, retryAfter);
      Duration elapsed = Duration.between(start, Instant.now());
      if (attempt >= retry.maxAttempts() || elapsed.plus(wait).compareTo(retry.budget()) > 0) {
        String what =
            failure instanceof FhirClientConnectionException
                ? "cannot reach the FHIR server at " + baseUrl + " (" + reason + ")"
                : "the FHIR server at " + baseUrl + " gave " + reason;
        throw new SourceException(
            description + ": " + what + ", after " + attempt + (attempt == 1 ? " attempt" : " attempts") + " in "
                + elapsed.toSeconds() + " s",
            failure);
      }
      log.warn("{}: {} on attempt {} of {}; trying again in {} ms",
          description, reason, attempt, retry.maxAttempts(), wait.toMillis());
      sleep(wait);
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted while waiting to retry", e);
    }
  }

  /** The innermost cause, e.g. "Connection refused" or "Read timed out", rather than HAPI's wrapper text. */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    line = REFERENCE.matcher(line).replaceAll("$1/…");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
