package org.llmfhiradapter.source;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.exceptions.NonFhirResponseException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.llmfhiradapter.source.auth.AuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one FHIR request to completion: retries transient failures by the {@link RetryPolicy} (429,
 * 502, 503, 504, connections that fail or are cut, answers cut short or not FHIR, a token endpoint
 * that is down), renews the access token once on HTTP 401, refuses a redirect to another origin,
 * and otherwise turns HAPI's exceptions into a {@link SourceException} whose message a user can act
 * on: what was asked (resource type and search, never a patient id), what the server answered, and
 * after how many attempts. Writes that are safe to repeat go through {@link #write}, which also
 * finds out whether an unanswered attempt was applied.
 */
public final class FhirRequests {

  private static final Logger log = LoggerFactory.getLogger(FhirRequests.class);

  /** Resource references in server messages name patients' records: they are cut to the type. */
  private static final Pattern REFERENCE =
      Pattern.compile("\\b([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}");

  /**
   * How long a server that has not answered yet is tried when the connection is refused or its host
   * unknown: that is a wrong URL or a server that is not running, which retries meant for a passing
   * fault only delay.
   */
  static final Duration FIRST_CONTACT_BUDGET = Duration.ofSeconds(3);

  private final String baseUrl;
  private final RetryPolicy retry;
  private final Authentication authentication;
  private final Duration firstContactBudget;

  /** Whether the server has answered any request (with anything, an HTTP error included). */
  private final AtomicBoolean answered = new AtomicBoolean();

  /**
   * @param authentication prepares the credentials before each attempt (fetching a token may fail
   *     and be retried like the request), and renews them on HTTP 401
   */
  public FhirRequests(String baseUrl, RetryPolicy retry, Authentication authentication) {
    this(baseUrl, retry, authentication, FIRST_CONTACT_BUDGET);
  }

  FhirRequests(
      String baseUrl,
      RetryPolicy retry,
      Authentication authentication,
      Duration firstContactBudget) {
    this.baseUrl = baseUrl;
    this.retry = retry;
    this.authentication = authentication;
    this.firstContactBudget = firstContactBudget;
  }

  /**
   * Runs a read (or any request with nothing to check afterwards) to completion; see the class
   * comment.
   */
  public <T> T call(String description, Supplier<T> request) {
    return run(description, request, null).orElseThrow();
  }

  /**
   * Runs a write that is safe to repeat, such as a transaction of conditional updates: it is
   * retried as a read is, and once more after HTTP 409 (another writer held the same records). When
   * an attempt ends without an answer (connection cut, response cut short or not FHIR), the server
   * may have applied it all the same: {@code applied} is asked first, and a write found done is not
   * sent again.
   *
   * @param applied reads back whether the server holds what was written (it may fail: then nobody
   *     knows)
   * @return the server's answer, or empty when the answer was lost but the write is known to be
   *     done
   * @throws WriteOutcomeUnknownException when the retries are spent, the last attempt got no answer
   *     and the read-back could not tell whether the write was applied
   */
  public <T> Optional<T> write(String description, Supplier<T> request, BooleanSupplier applied) {
    return run(description, request, applied);
  }

  private <T> Optional<T> run(String description, Supplier<T> request, BooleanSupplier applied) {
    Instant start = Instant.now();
    boolean renewed = false;
    boolean conflictRetried = false;
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      Optional<Duration> retryAfter = Optional.empty();
      String reason;
      // Whether this attempt may have been applied without our hearing of it.
      boolean noAnswer = false;
      // Refused or unknown before the server ever answered: not a passing fault, so only a short
      // budget.
      boolean unreachable = false;
      try {
        authentication.prepare();
        T result = request.get();
        answered.set(true);
        return Optional.of(result);
      } catch (AuthException e) {
        if (!e.isTransient()) {
          throw new SourceException(description + ": " + e.getMessage(), e);
        }
        failure = e;
        reason = "the token endpoint failed (" + e.getMessage() + ")";
      } catch (AuthenticationException e) {
        if (!renewed && authentication.renew()) {
          renewed = true;
          log.info("{}: HTTP 401, renewing the access token and trying again", description);
          attempt--;
          continue;
        }
        throw new SourceException(
            description
                + ": the FHIR server at "
                + baseUrl
                + " refused the credentials (HTTP 401: "
                + firstLine(e.getMessage())
                + ")",
            e);
      } catch (FhirClientConnectionException e) {
        Optional<OriginBoundClientFactory.CrossOriginRedirectException> redirect = redirect(e);
        if (redirect.isPresent()) {
          throw new SourceException(
              description
                  + ": the FHIR server at "
                  + baseUrl
                  + " redirected the request to another origin ("
                  + redirect.get().to()
                  + "); the adapter follows no redirect off the server's origin, so that"
                  + " credentials stay with it. If that address is the right server, set llm.source.base-url to it",
              e);
        }
        failure = e;
        reason = rootCause(e);
        noAnswer = true;
        unreachable = !answered.get() && neverConnected(e);
      } catch (NonFhirResponseException e) {
        answered.set(true);
        // A 200 whose body is not FHIR is most often a proxy's or load balancer's error page:
        // transient.
        failure = e;
        reason =
            "HTTP "
                + e.getStatusCode()
                + " with a body that is not FHIR JSON ("
                + contentType(e)
                + "; a proxy's error page?)";
        noAnswer = true;
      } catch (BaseServerResponseException e) {
        answered.set(true);
        boolean conflict = applied != null && e.getStatusCode() == 409 && !conflictRetried;
        if (!conflict && !RetryPolicy.RETRYABLE_STATUS.contains(e.getStatusCode())) {
          // A refusal (4xx) describes our request, and a write is our own aggregate report: the
          // server's text helps and names no patient. A read's failure (5xx) may quote the chart it
          // failed on: left out.
          String answer =
              applied == null && e.getStatusCode() >= 500
                  ? ServerText.ofRead(e)
                  : "HTTP " + e.getStatusCode() + " (" + firstLine(e.getMessage()) + ")";
          throw new SourceException(
              description + ": the FHIR server at " + baseUrl + " answered " + answer, e);
        }
        conflictRetried |= conflict;
        failure = e;
        reason =
            "HTTP " + e.getStatusCode() + (conflict ? " (another writer at the same time)" : "");
        retryAfter = RetryPolicy.retryAfter(e.getResponseHeaders(), Instant.now());
      } catch (DataFormatException | IllegalArgumentException e) {
        // HAPI's parser: DataFormatException for most of what it cannot read,
        // IllegalArgumentException for
        // some (an entry whose resourceType is empty). Cut short or garbled: try again; always so:
        // the data.
        failure = e;
        reason = "a response that is not valid FHIR JSON (" + firstLine(e.getMessage()) + ")";
        noAnswer = true;
      }
      Optional<Boolean> done = Optional.empty();
      if (applied != null && noAnswer) {
        done = check(applied);
        if (done.orElse(false)) {
          log.info(
              "{}: {}, but the server holds what was written; not sending it again",
              description,
              reason);
          return Optional.empty();
        }
      }
      Duration wait = retry.waitAfter(attempt, retryAfter);
      Duration elapsed = Duration.between(start, Instant.now());
      Duration budget = unreachable ? firstContactBudget : retry.budget();
      if (attempt >= retry.maxAttempts() || elapsed.plus(wait).compareTo(budget) > 0) {
        String what =
            failure instanceof FhirClientConnectionException
                ? "cannot reach the FHIR server at " + baseUrl + " (" + reason + ")"
                : "the FHIR server at " + baseUrl + " gave " + reason;
        String message =
            description
                + ": "
                + what
                + ", after "
                + attempt
                + (attempt == 1 ? " attempt" : " attempts")
                + " in "
                + elapsed.toSeconds()
                + " s"
                + (unreachable
                    ? "; it has not answered yet: is it running, and is the base URL right?"
                    : "");
        if (applied != null && noAnswer && done.isEmpty()) {
          throw new WriteOutcomeUnknownException(message, failure);
        }
        if (applied == null
            && (failure instanceof DataFormatException
                || failure instanceof IllegalArgumentException)) {
          throw new UnreadableResponseException(message, failure);
        }
        throw new SourceException(message, failure);
      }
      log.warn(
          "{}: {} on attempt {} of {}; trying again in {} ms",
          description,
          reason,
          attempt,
          retry.maxAttempts(),
          wait.toMillis());
      sleep(wait);
    }
  }

  /**
   * Whether the connection failed before reaching any server: refused, or a host name that does not
   * resolve.
   */
  private static boolean neverConnected(Throwable e) {
    for (Throwable cause = e;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof java.net.ConnectException
          || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  /** Whether the write was applied, or empty when the read-back itself failed. */
  private static Optional<Boolean> check(BooleanSupplier applied) {
    try {
      return Optional.of(applied.getAsBoolean());
    } catch (RuntimeException e) {
      log.warn("Reading back whether the write was applied failed too ({})", rootCause(e));
      return Optional.empty();
    }
  }

  /**
   * The refused cross-origin redirect under HAPI's and the HTTP client's wrappers, if that was the
   * failure.
   */
  private static Optional<OriginBoundClientFactory.CrossOriginRedirectException> redirect(
      Throwable e) {
    for (Throwable cause = e;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof OriginBoundClientFactory.CrossOriginRedirectException redirect) {
        return Optional.of(redirect);
      }
    }
    return Optional.empty();
  }

  /**
   * HAPI says "...non FHIR Content-Type 'text/html'..."; only the type is kept (the body may be
   * anything).
   */
  private static final Pattern CONTENT_TYPE = Pattern.compile("Content-Type '([^']{1,100})'");

  private static String contentType(BaseServerResponseException e) {
    if (e.getResponseHeaders() != null) {
      for (var header : e.getResponseHeaders().entrySet()) {
        if ("Content-Type".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
          return header.getValue().get(0);
        }
      }
    }
    Matcher type = CONTENT_TYPE.matcher(e.getMessage() == null ? "" : e.getMessage());
    return type.find() ? type.group(1) : "no FHIR content type";
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted while waiting to retry", e);
    }
  }

  /**
   * The innermost cause, e.g. "Connection refused" or "Read timed out", rather than HAPI's wrapper
   * text.
   */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return firstLine(
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
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
