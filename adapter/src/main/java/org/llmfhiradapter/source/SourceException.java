package org.llmfhiradapter.source;

/**
 * The FHIR server could not be read: unreachable, refused, or answered with something that is not a
 * usable FHIR response. The message says which request (by resource type and search, never by
 * patient) and why.
 */
public class SourceException extends RuntimeException {
  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }

  public SourceException(String message) {
    super(message);
  }
}
