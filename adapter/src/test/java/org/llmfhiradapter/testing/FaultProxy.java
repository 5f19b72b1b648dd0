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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of the embedded FHIR server that can misbehave on purpose: answer some
 * requests with an error instead of forwarding them. Everything else is forwarded unchanged, so the adapter
 * under test talks real HTTP to a real server through it. Base URLs are rewritten in both directions.
 */
public final class FaultProxy implements AutoCloseable {

  /** A request as the proxy sees it. */
  public record Request(String method, String pathAndQuery) {}

  /** A canned answer given instead of forwarding. */
  public record Fault(Predicate<Request> when, int status, String body) {}

  /** Not forwarded: hop-by-hop headers, and compression (the proxy rewrites bodies as text). */
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade", "expect", "keep-alive",
          "accept-encoding", "content-encoding");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final String target;
  private final String self;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger faultsServed = new AtomicInteger();

  private FaultProxy(String targetBaseUrl) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    URI targetUri = URI.create(targetBaseUrl);
    this.target = targetUri.getScheme() + "://" + targetUri.getAuthority();
    this.self = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a proxy for the server at {@code targetBaseUrl} (e.g. {@code http://127.0.0.1:4321/fhir}). */
  public static FaultProxy start(String targetBaseUrl) throws IOException {
    return new FaultProxy(targetBaseUrl);
  }

  /** The proxy's base URL for the same FHIR path as the target. */
  public String baseUrl(String targetBaseUrl) {
    return targetBaseUrl.replace(target, self);
  }

  public FaultProxy failWhen(Predicate<Request> when, int status, String body) {
    faults.add(new Fault(when, status, body));
    return this;
  }

  /** How many requests got a canned fault instead of the server's answer. */
  public int faultsServed() {
    return faultsServed.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString());
      for (Fault fault : faults) {
        if (fault.when().test(request)) {
          faultsServed.incrementAndGet();
          byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
          exchange.sendResponseHeaders(fault.status(), body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            exchange.getResponseBody().write(body);
          }
          return;
        }
      }
      forward(exchange);
    }
  }

  private void forward(HttpExchange exchange) throws IOException {
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(rewrite(requestBody, self, target)));
    exchange.getRequestHeaders().forEach((name, values) -> {
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
    response.headers().map().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
        values.forEach(value -> exchange.getResponseHeaders().add(name, value.replace(target, self)));
      }
    });
    byte[] body = rewrite(response.body(), target, self);
    exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
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
    return new String(body, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
