package org.llmfhiradapter.source.auth;

/**
 * Authentication to the FHIR server failed: the token endpoint could not be found or reached, refused the
 * client, or answered with something unusable. The message is one line naming the step, the URL and the
 * server's OAuth error, for example {@code SMART token request to https://ehr.example.org/token failed: HTTP 400
 * invalid_client (...)}. It never contains an access token, a signed assertion or key material.
 */
public final class AuthException extends RuntimeException {

  public AuthException(String message) {
    super(message);
  }
}
