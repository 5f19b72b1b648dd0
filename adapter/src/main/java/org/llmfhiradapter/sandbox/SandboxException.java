package org.llmfhiradapter.sandbox;

/** The embedded FHIR server failed to start or to load its seed data. */
public final class SandboxException extends RuntimeException {
  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }

  public SandboxException(String message) {
    super(message);
  }
}
