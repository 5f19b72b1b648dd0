package org.llmfhiradapter.conformance;

/** Our own conformance package is broken (a packaging error, not a user's data problem). */
public final class ConformanceException extends RuntimeException {
  public ConformanceException(String message) {
    super(message);
  }
}
