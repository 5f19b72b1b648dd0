package org.llmfhiradapter.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A loopback HTTP proxy in front of the embedded FHIR server that misbehaves on purpose, so that
 * the pull is tested against real network faults over real HTTP: canned error answers (500, 503,
 * 429 with Retry-After), a connection cut in the middle of a body, a body cut short but well framed
 * (truncated JSON), a connection dropped with no answer, a response slower than the client's read
 * timeout, and rewritten bodies (a {@code next} link to another origin). Requests no rule takes are
 * forwarded unchanged; base URLs are rewritten in both directions.
 */
public final class FaultProxy implements AutoCloseable {

  /**
   * A request as the proxy sees it.
   *
   * @param headers the first value of each header, by lower-case name
   * @param arrived when it arrived ({@link System#nanoTime()})
   */
  public record Request(
      String method,
      String pathAndQuery,
      String authorization,
      Map<String, String> headers,
      long arrived) {

    /** The first value of a header, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** What a rule does to a request it takes. */
  public sealed interface Fault {}

  /** Answer with this status, headers and body instead of forwarding. */
  public record Answer(int status, Map<String, String> headers, String body) implements Fault {}

  /**
   * Forward, then send the headers with the full length and only half the body, and close: a cut
   * connection.
   */
  public record CutConnection() implements Fault {}

  /** Forward, then send only the first half of the body, correctly framed: JSON cut short. */
  public record TruncatedBody() implements Fault {}

  /** Close the connection without an answer (a connection dropped before the response). */
  public record DropConnection() implements Fault {}

  /** Wait this long, then forward. */
  public record Delay(long millis) implements Fault {}

  /** Forward, then rewrite the body. */
  public record Rewrite(UnaryOperator<String> body) implements Fault {}

  private record Rule(Predicate<Request> when, Fault fault, AtomicInteger remaining) {}

  /** Not forwarded: hop-by-hop headers, and compression (the proxy rewrites bodies as text). */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "transfer-encoding",
          "upgrade",
          "expect",
          "keep-alive",
          "accept-encoding",
          "content-encoding");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Request> seen = new CopyOnWriteArrayList<>();
  private final String target;
  private final String self;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final AtomicInteger faultsServed = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  private FaultProxy(String targetBaseUrl) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    URI targetUri = URI.create(targetBaseUrl);
    this.target = targetUri.getScheme() + "://" + targetUri.getAuthority();
    this.self = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  /**
   * Starts a proxy for the server at {@code targetBaseUrl} (e.g. {@code
   * http://127.0.0.1:4321/fhir}).
   */
  public static FaultProxy start(String targetBaseUrl) throws IOException {
    return new FaultProxy(targetBaseUrl);
  }

  /** The proxy's base URL for the same FHIR path as the target. */
  public String baseUrl(String targetBaseUrl) {
    return targetBaseUrl.replace(target, self);
  }

  /**
   * Applies {@code fault} to the first {@code times} requests that match (Integer.MAX_VALUE: all of
   * them).
   */
  public FaultProxy on(Predicate<Request> when, int times, Fault fault) {
    rules.add(new Rule(when, fault, new AtomicInteger(times)));
    return this;
  }

  public FaultProxy failWhen(Predicate<Request> when, int status, String body) {
    return on(when, Integer.MAX_VALUE, new Answer(status, Map.of(), body));
  }

  /** How many requests a rule took. */
  public int faultsServed() {
    return faultsServed.get();
  }

  /** Every request that reached the proxy, in order of arrival. */
  public List<Request> seen() {
    return List.copyOf(seen);
  }

  /** How many requests reached the proxy. */
  public int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Request request =
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            exchange.getRequestHeaders().getFirst("Authorization"),
            firstValues(exchange),
            System.nanoTime());
    seen.add(request);
    Fault fault = null;
    for (Rule rule : rules) {
      if (rule.when().test(request) && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        fault = rule.fault();
        faultsServed.incrementAndGet();
        break;
      }
    }
    try {
      if (fault instanceof Answer answer) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.headers().keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        send(exchange, answer.status(), body);
        return;
      }
      if (fault instanceof DropConnection) {
        // No response headers sent: closing the exchange closes the connection.
        return;
      }
      if (fault instanceof Delay delay) {
        sleep(delay.millis());
      }
      Forwarded forwarded = forward(exchange);
      byte[] body = forwarded.body();
      if (fault instanceof Rewrite rewrite) {
        body =
            rewrite
                .body()
                .apply(new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
      }
      if (fault instanceof CutConnection) {
        exchange.sendResponseHeaders(forwarded.status(), body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        // Closing without the rest of the promised bytes: the client sees the connection end
        // mid-body.
        exchange.close();
        return;
      }
      if (fault instanceof TruncatedBody) {
        byte[] half = java.util.Arrays.copyOf(body, body.length / 2);
        send(exchange, forwarded.status(), half);
        return;
      }
      send(exchange, forwarded.status(), body);
    } finally {
      exchange.close();
    }
  }

  private static Map<String, String> firstValues(HttpExchange exchange) {
    Map<String, String> headers = new java.util.HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
              }
            });
    return Map.copyOf(headers);
  }

  private record Forwarded(int status, byte[] body) {}

  private Forwarded forward(HttpExchange exchange) throws IOException {
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
            .method(
                exchange.getRequestMethod(),
                HttpRequest.BodyPublishers.ofByteArray(rewrite(requestBody, self, target)));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(
                    value -> exchange.getResponseHeaders().add(name, value.replace(target, self)));
              }
            });
    return new Forwarded(response.statusCode(), rewrite(response.body(), target, self));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] rewrite(byte[] body, String from, String to) {
    if (body.length == 0) {
      return body;
    }
    return new String(body, StandardCharsets.UTF_8)
        .replace(from, to)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
