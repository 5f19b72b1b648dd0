package org.llmfhiradapter.source.auth;

/**
 * Authentication to the FHIR server failed: the token endpoint could not be found or reached,
 * refused the client, or answered with something unusable. The message is one line naming the step,
 * the URL and the server's OAuth error, for example {@code SMART token request to
 * https://ehr.example.org/token failed: HTTP 400 invalid_client (...)}. It never contains an access
 * token, a signed assertion or key material.
 */
public final class AuthException extends RuntimeException {

  private final boolean transientFailure;

  /** A failure that asking again will not mend (a refused client, an unusable answer). */
  public AuthException(String message) {
    this(message, false);
  }

  /**
   * @param transientFailure the token endpoint could not be reached, or answered 429 or 5xx: worth
   *     asking again after a wait, like any request
   */
  public AuthException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
