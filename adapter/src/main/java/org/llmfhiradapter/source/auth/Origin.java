package org.llmfhiradapter.source.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The origin of a URL as browsers define it (RFC 6454): scheme, host and port, the port made
 * explicit. Two URLs may share credentials only when their origins are equal; a URL that cannot be
 * parsed has no origin and so matches nothing.
 *
 * @param scheme lower-case {@code http} or {@code https}
 * @param host lower-case host name or IP literal (IPv6 in brackets)
 * @param port the explicit port, or the scheme's default (80, 443)
 */
public record Origin(String scheme, String host, int port) {

  /**
   * The origin of an absolute http(s) URL; empty for anything else (relative, other schemes,
   * malformed).
   */
  public static Optional<Origin> of(String url) {
    if (url == null) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    // getHost() is null for authorities Java cannot parse as a host (e.g. "a_b.example"): no origin
    // then, rather than a guess.
    if (!("http".equals(scheme) || "https".equals(scheme))
        || uri.getHost() == null
        || uri.getHost().isEmpty()) {
      return Optional.empty();
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
    return Optional.of(new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port));
  }

  boolean isHttps() {
    return "https".equals(scheme);
  }

  /**
   * A loopback host by its literal name: {@code localhost}, {@code 127.x.x.x} or {@code [::1]}.
   * Names are not resolved, so a DNS answer cannot turn a remote host into a "loopback" one.
   */
  boolean isLoopback() {
    return host.equals("localhost")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
        || host.equals("[::1]");
  }

  /**
   * Where credentials may travel: https anywhere, plain http only to this machine (tests, the
   * sandbox).
   */
  boolean mayCarryCredentials() {
    return isHttps() || isLoopback();
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port;
  }
}
