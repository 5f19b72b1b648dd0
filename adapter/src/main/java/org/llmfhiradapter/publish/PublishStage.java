package org.llmfhiradapter.publish;

import org.llmfhiradapter.analysis.StudyResult;

/** The publish stage as the routes call it: write the report back, or skip writing. */
public final class PublishStage {

  private final String sourceUrl;
  private final MeasureReportPublisher publisher;

  public PublishStage(String sourceUrl, MeasureReportPublisher publisher) {
    this.sourceUrl = sourceUrl;
    this.publisher = publisher;
  }

  public StudyRun publish(StudyResult result) {
    return new StudyRun(sourceUrl, result, publisher.publish(result));
  }

  public StudyRun skip(StudyResult result) {
    return new StudyRun(sourceUrl, result, null);
  }
}
