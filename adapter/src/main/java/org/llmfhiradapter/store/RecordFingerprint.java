package org.llmfhiradapter.store;

import java.time.Instant;

/**
 * What identifies the content a patient's outcome was mapped from.
 *
 * @param hash SHA-256 (hex) of the pulled resources without their meta, in a fixed order
 * @param lastUpdated the newest {@code meta.lastUpdated} among them; null when the server gave none
 */
public record RecordFingerprint(String hash, Instant lastUpdated) {}
