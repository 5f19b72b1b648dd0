package org.llmfhiradapter.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One sync as the store recorded it.
 *
 * @param status running, published, computed, failed or interrupted
 * @param mode incremental or full
 * @param reportUrl the MeasureReport it published (null if none)
 * @param message why it failed (null if it did not)
 */
public record SyncRunRecord(
    long runId,
    Instant startedAt,
    Optional<Instant> endedAt,
    String status,
    String mode,
    SyncCounts counts,
    String reportUrl,
    String message) {}
