package org.llmfhiradapter.source;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.llmfhiradapter.config.AdapterConfig;

/**
 * When and how long to wait before trying a failed request again. Transient failures are HTTP 429,
 * 502, 503 and 504, and failures of the connection itself (refused, reset, timed out, a response
 * cut short). Waits grow exponentially from the initial wait, with jitter so that parallel workers
 * do not retry in step, up to the maximum wait; a server's {@code Retry-After} (seconds or an HTTP
 * date) is honoured when longer. A request gives up after the maximum attempts, or when the next
 * wait would pass the total budget. (The waits are "equal jitter": half the capped exponential
 * wait, plus a random part of the other half.)
 */
public final class RetryPolicy {

  /** Statuses that say "try again later" rather than "this request is wrong". */
  static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  private final AdapterConfig.Retry config;

  public RetryPolicy(AdapterConfig.Retry config) {
    this.config = config;
  }

  public int maxAttempts() {
    return config.maxAttempts();
  }

  public Duration budget() {
    return config.budget();
  }

  /**
   * The wait before attempt {@code attempt + 1} (attempt counts from 1), at least what Retry-After
   * asks.
   */
  Duration waitAfter(int attempt, Optional<Duration> retryAfter) {
    long cap =
        Math.min(
            config.maxWait().toMillis(),
            config.initialWait().toMillis() << Math.min(attempt - 1, 20));
    long jittered = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    Duration backoff = Duration.ofMillis(jittered);
    return retryAfter.filter(asked -> asked.compareTo(backoff) > 0).orElse(backoff);
  }

  /** The Retry-After header, as delta-seconds or an HTTP date; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(Map<String, List<String>> headers, Instant now) {
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey() == null
          || !header.getKey().equalsIgnoreCase("Retry-After")
          || header.getValue().isEmpty()) {
        continue;
      }
      String value = header.getValue().get(0).trim();
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException notSeconds) {
        try {
          Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException notADate) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
