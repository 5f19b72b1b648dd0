package org.llmfhiradapter.publish;

import org.llmfhiradapter.analysis.StudyResult;

/**
 * The publish stage as the routes call it: write the results to the destination, or skip writing.
 */
public final class PublishStage {

  private final RunLineage lineage;
  private final MeasureReportPublisher publisher;
  private final CellSuppression suppression;

  public PublishStage(
      RunLineage lineage, MeasureReportPublisher publisher, CellSuppression suppression) {
    this.lineage = lineage;
    this.publisher = publisher;
    this.suppression = suppression;
  }

  public StudyRun publish(StudyResult result) {
    return new StudyRun(lineage, result, publisher.publish(result, lineage), suppression);
  }

  public StudyRun skip(StudyResult result) {
    return new StudyRun(lineage, result, null, suppression);
  }
}
