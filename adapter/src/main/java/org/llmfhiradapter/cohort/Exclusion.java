package org.llmfhiradapter.cohort;

/**
 * A pulled patient left out of the cohort.
 *
 * @param patientId the source server's Patient id, so the chart can be found and fixed
 * @param reason the rule that excluded the patient
 * @param resource the resource at fault ({@code Type/id}), or the Patient when something is missing
 * @param message what is wrong and what would fix it
 */
public record Exclusion(
    String patientId, ExclusionReason reason, String resource, String message) {}
