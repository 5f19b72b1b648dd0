package org.llmfhiradapter.source.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and password for HTTP Basic authentication (RFC 7617), for FHIR servers behind a
 * plain password gate. The password is kept out of {@link #toString()} so that it cannot leak into
 * a log line.
 *
 * @param user the user name; may not contain ':' (Basic cannot carry it)
 * @param password the password
 */
public record BasicCredentials(String user, String password) {

  public BasicCredentials {
    if (user == null || user.isBlank() || user.contains(":")) {
      throw new IllegalArgumentException("A Basic user name must be non-empty and without ':'");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("A Basic password must not be empty");
    }
  }

  /** The value of the {@code Authorization} header: {@code Basic base64(user:password)}, UTF-8. */
  public String authorizationHeader() {
    String pair = user + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + ", password=(hidden)]";
  }
}
