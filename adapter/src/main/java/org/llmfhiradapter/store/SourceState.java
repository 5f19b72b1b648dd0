package org.llmfhiradapter.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A source as the store knows it.
 *
 * @param name the source's name in the settings
 * @param baseUrl its FHIR base URL
 * @param vendor generic, epic or cerner
 * @param mappingKey what the stored outcomes were mapped with (adapter, profiles, cut-off)
 * @param watermark start of the last sync that finished; empty: none yet, the next sync is a full
 *     one
 */
public record SourceState(
    String name, String baseUrl, String vendor, String mappingKey, Optional<Instant> watermark) {}
