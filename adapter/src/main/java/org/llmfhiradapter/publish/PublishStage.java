package org.llmfhiradapter.publish;

import org.llmfhiradapter.analysis.StudyResult;

/** The publish stage as the routes call it: write the results to the destination, or skip writing. */
public final class PublishStage {

  private final RunLineage lineage;
  private final MeasureReportPublisher publisher;

  public PublishStage(RunLineage lineage, MeasureReportPublisher publisher) {
    this.lineage = lineage;
    this.publisher = publisher;
  }

  public StudyRun publish(StudyResult result) {
    return new StudyRun(lineage, result, publisher.publish(result, lineage));
  }

  public StudyRun skip(StudyResult result) {
    return new StudyRun(lineage, result, null);
  }
}
