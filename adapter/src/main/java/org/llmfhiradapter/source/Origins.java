package org.llmfhiradapter.source;

import java.net.URI;
import java.util.Locale;

/** Same-origin checks (scheme, host, port): the pull follows links, and sends credentials, only to its server. */
public final class Origins {

  private Origins() {}

  public static boolean same(String url, String baseUrl) {
    try {
      URI a = URI.create(url);
      URI b = URI.create(baseUrl);
      return a.getScheme() != null && b.getScheme() != null
          && a.getScheme().equalsIgnoreCase(b.getScheme())
          && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
          && port(a) == port(b);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** scheme://host[:port] of a URL, for messages (no path or query, which may hold ids). */
  public static String of(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(not a URL)";
    }
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
  }
}
