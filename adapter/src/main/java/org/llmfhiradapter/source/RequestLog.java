package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each request of a connection at DEBUG, as an engineer chasing a failing EHR connection needs it
 * and with no patient data: the method, the resource type, the names of the search parameters
 * (their values name patients, so only {@code _count}'s is shown), whether it is a page of an
 * earlier search, the status and the time taken. A record's id becomes {@code [id]}. Also counts
 * the requests of the process.
 */
final class RequestLog implements IClientInterceptor {

  private static final Logger log = LoggerFactory.getLogger(RequestLog.class);

  /**
   * Requests sent by every connection of this process (benchmarks count what a sync costs a
   * server).
   */
  static final AtomicLong SENT = new AtomicLong();

  /** Parameters whose values identify no one and help to read a log. */
  private static final Set<String> SHOWN_VALUES =
      Set.of("_count", "_type", "_summary", "_total", "_sort");

  /**
   * The request in flight on this thread (HAPI's client runs a request on the thread that asked for
   * it).
   */
  private final ThreadLocal<Started> current = new ThreadLocal<>();

  private final URI base;

  private record Started(String request, long nanos) {}

  RequestLog(String baseUrl) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    SENT.incrementAndGet();
    if (log.isDebugEnabled()) {
      current.set(
          new Started(
              request.getHttpVerbName() + " " + shape(request.getUri()), System.nanoTime()));
    }
  }

  @Override
  public void interceptResponse(IHttpResponse response) {
    Started started = current.get();
    if (started != null) {
      current.remove();
      log.debug(
          "{} -> {} in {} ms",
          started.request(),
          response.getStatus(),
          (System.nanoTime() - started.nanos()) / 1_000_000);
    }
  }

  /**
   * A request URI as the log shows it: {@code Observation?patient&code&_count=100}, {@code
   * Patient/[id]}.
   */
  String shape(String uri) {
    URI target;
    try {
      target = URI.create(uri);
    } catch (IllegalArgumentException e) {
      return "(a URL that does not parse)";
    }
    String path = target.getRawPath() == null ? "" : target.getRawPath();
    String basePath = base.getRawPath();
    if (!sameOrigin(target) || !(path + "/").startsWith(basePath)) {
      // A bulk file or status URL elsewhere: its origin only.
      return target.getScheme() + "://" + target.getRawAuthority() + "/(path not shown)";
    }
    String relative = path.length() > basePath.length() ? path.substring(basePath.length()) : "";
    List<String> segments = new ArrayList<>();
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      // Type, then an id; operations ($export) and _history stay; what follows _history is a
      // version.
      boolean named = i == 0 || part.startsWith("$") || part.equals("_history") || part.isEmpty();
      segments.add(named ? part : "[id]");
    }
    String joined = String.join("/", segments);
    String shaped = joined.isEmpty() ? "(base)" : joined;
    if (target.getRawQuery() == null) {
      return shaped;
    }
    List<String> parameters = new ArrayList<>();
    for (String parameter : target.getRawQuery().split("&")) {
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      if (name.startsWith("_getpages")) {
        if (name.equals("_getpages")) {
          parameters.add("(next page)");
        }
        continue;
      }
      parameters.add(SHOWN_VALUES.contains(name) && equals >= 0 ? parameter : name);
    }
    return shaped + "?" + String.join("&", parameters);
  }

  private boolean sameOrigin(URI target) {
    return base.getScheme().equalsIgnoreCase(String.valueOf(target.getScheme()))
        && base.getRawAuthority()
            .toLowerCase(Locale.ROOT)
            .equals(String.valueOf(target.getRawAuthority()).toLowerCase(Locale.ROOT));
  }
}
