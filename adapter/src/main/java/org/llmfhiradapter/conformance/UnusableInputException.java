package org.llmfhiradapter.conformance;

/**
 * A file to validate cannot be read as FHIR at all (missing, not JSON, not a FHIR resource, too
 * large).
 */
public final class UnusableInputException extends RuntimeException {
  public UnusableInputException(String message) {
    super(message);
  }
}
