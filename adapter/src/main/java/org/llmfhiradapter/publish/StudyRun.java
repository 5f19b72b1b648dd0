package org.llmfhiradapter.publish;

import org.llmfhiradapter.analysis.StudyResult;

/**
 * The outcome of one pull → map → analyze → publish job.
 *
 * @param lineage the adapter version and the servers pulled from
 * @param result what the analysis found
 * @param publication where the MeasureReport landed; null when publishing is off
 * @param suppression which small counts the outputs withhold
 */
public record StudyRun(
    RunLineage lineage, StudyResult result, Publication publication, CellSuppression suppression) {

  /** The base URLs pulled from, comma separated (one server in most runs). */
  public String sourceUrl() {
    return String.join(", ", lineage.sources().stream().map(SourceServer::baseUrl).toList());
  }
}
