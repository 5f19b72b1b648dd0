package org.llmfhiradapter.analysis.csv;

/**
 * What was asked of the analysis does not fit the data (a reference level of a numeric column, a
 * column in two roles).
 */
public final class AnalysisInputException extends RuntimeException {
  public AnalysisInputException(String message) {
    super(message);
  }
}
