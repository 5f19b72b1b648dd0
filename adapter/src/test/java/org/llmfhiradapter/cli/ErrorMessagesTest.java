package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

/** The one line a failed command prints after "error: ". */
class ErrorMessagesTest {

  @Test
  void aHeapTooSmallUnderCamelsWrappersSaysSoAndHowToGiveMore() {
    // As a pull thread's OutOfMemoryError reaches the command: the exchange's failure, wrapped.
    Throwable failure =
        new CamelExecutionException(
            "Exception occurred during execution on the exchange: Exchange[1234]",
            null,
            new RuntimeCamelException(new OutOfMemoryError("Java heap space")));

    String line = ErrorMessages.oneLine(failure);

    assertThat(line)
        .startsWith("out of memory (Java heap space) with a heap of at most ")
        .contains("JAVA_OPTS=-Xmx2g", "java -Xmx2g -jar")
        .doesNotContain("Exchange", "\n");
  }

  @Test
  void theHeapLimitIsGivenInMegabytes() {
    assertThat(ErrorMessages.outOfMemory(new OutOfMemoryError(), 256L * 1024 * 1024))
        .startsWith("out of memory (no detail) with a heap of at most 256 MB: ");
  }

  @Test
  void anyOtherFailureIsTheFirstLineOfItsMessage() {
    assertThat(ErrorMessages.oneLine(new IllegalStateException("first\nsecond")))
        .isEqualTo("first");
    assertThat(ErrorMessages.oneLine(new IllegalStateException()))
        .isEqualTo("IllegalStateException (set LLM_DEBUG=1 for the stack trace)");
  }
}
