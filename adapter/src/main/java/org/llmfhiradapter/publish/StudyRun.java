package org.llmfhiradapter.publish;

import org.llmfhiradapter.analysis.StudyResult;

/**
 * The outcome of one pull → map → analyze → publish job.
 *
 * @param sourceUrl base URL of the FHIR server pulled from
 * @param result what the analysis found
 * @param publication where the MeasureReport landed; null when publishing is off
 */
public record StudyRun(String sourceUrl, StudyResult result, Publication publication) {}
