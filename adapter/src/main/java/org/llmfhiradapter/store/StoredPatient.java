package org.llmfhiradapter.store;

/**
 * What the store knows of one candidate patient before a sync.
 *
 * @param patientId the source server's Patient id
 * @param status included, excluded or unfetched
 * @param contentHash hash of the resources it was mapped from (null if never fetched)
 * @param needsFetch fetch it whatever the watermark says
 */
public record StoredPatient(
    String patientId, String status, String contentHash, boolean needsFetch) {}
