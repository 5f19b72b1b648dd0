package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How long the pull waits between two status polls of a running export. */
class BulkExportTest {

  private static final Duration MAX_POLL = Duration.ofSeconds(30);

  @Test
  void theServersRetryAfterIsHonouredUpToTheLongestPollInterval() {
    assertThat(BulkExport.pollWait(Optional.of(Duration.ofSeconds(5)), null, MAX_POLL))
        .isEqualTo(Duration.ofSeconds(5));
    // HAPI asks for 120 s whatever the export: llm.source.bulk.max-poll-interval-seconds caps it.
    assertThat(BulkExport.pollWait(Optional.of(Duration.ofSeconds(120)), null, MAX_POLL))
        .isEqualTo(MAX_POLL);
    assertThat(BulkExport.pollWait(Optional.of(Duration.ZERO), null, MAX_POLL))
        .as("never a busy loop")
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void withoutRetryAfterPollsBackOffFromOneSecondToTheLongestInterval() {
    List<Long> waits = new ArrayList<>();
    Duration wait = null;
    for (int poll = 0; poll < 8; poll++) {
      wait = BulkExport.pollWait(Optional.empty(), wait, MAX_POLL);
      waits.add(wait.toSeconds());
    }
    assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
  }

  @Test
  void aRetryAfterAfterBackingOffIsTakenAsTheServerSaysIt() {
    Duration backedOff = BulkExport.pollWait(Optional.empty(), Duration.ofSeconds(16), MAX_POLL);
    assertThat(BulkExport.pollWait(Optional.of(Duration.ofSeconds(3)), backedOff, MAX_POLL))
        .isEqualTo(Duration.ofSeconds(3));
  }
}
