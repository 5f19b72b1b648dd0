package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.config.AdapterConfig;

/**
 * The retries a request gets when the server cannot be reached: few when it never answered (a wrong
 * URL, a server not running), all of them once it has (a passing fault). Requests here are plain
 * functions: what is tested is the retry decision; real connections are in PullFaultsIT.
 */
class FhirRequestsTest {

  private static final String BASE = "http://127.0.0.1:1/fhir";
  private static final Duration FIRST_CONTACT = Duration.ofMillis(300);

  /** 20 attempts 100 ms apart: 2 s, far more than the first contact's budget. */
  private static final AdapterConfig.Retry RETRY =
      new AdapterConfig.Retry(
          20, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(30));

  private final FhirRequests requests =
      new FhirRequests(BASE, new RetryPolicy(RETRY), Authentication.NONE, FIRST_CONTACT);

  @Test
  void aServerThatNeverAnsweredIsGivenUpOnWithinTheFirstContactBudgetWithAHint() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> requests.call("Condition search", () -> refused(attempts)))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("cannot reach the FHIR server at " + BASE + " (Connection refused)")
        .hasMessageContaining("it has not answered yet: is it running, and is the base URL right?");
    assertThat(attempts.get()).as("attempts 100 ms apart within 300 ms").isBetween(2, 5);
  }

  @Test
  void onceTheServerHasAnsweredARefusedConnectionIsAPassingFaultWithEveryRetry() {
    assertThat(requests.call("capability statement", () -> "answered")).isEqualTo("answered");
    AtomicInteger attempts = new AtomicInteger();

    String result =
        requests.call("Condition search", () -> attempts.get() < 9 ? refused(attempts) : "back");

    assertThat(result).isEqualTo("back");
    assertThat(attempts.get())
        .as("9 refusals over about a second, well past the first contact's budget")
        .isEqualTo(9);
  }

  private static String refused(AtomicInteger attempts) {
    attempts.incrementAndGet();
    throw new FhirClientConnectionException(new ConnectException("Connection refused"));
  }
}
