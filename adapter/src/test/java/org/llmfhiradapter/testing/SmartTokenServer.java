package org.llmfhiradapter.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.llmfhiradapter.sandbox.SmartAuthorization;
import org.llmfhiradapter.sandbox.SmartAuthorization.Refusal;

/**
 * A real SMART Backend Services token endpoint on loopback, strict the way Epic and Cerner are: it
 * verifies the client assertion's signature (RS384 or ES384) with the client's registered public
 * key, and checks {@code iss} = {@code sub} = a registered client id, {@code aud} = its own token
 * URL, {@code exp} in the future and at most 5 minutes after {@code iat}, a {@code jti} never seen
 * before, the grant type and the assertion type. It answers 200 with a random opaque bearer token,
 * or 400 with an OAuth error ({@code invalid_client}, {@code invalid_request}, {@code
 * unsupported_grant_type}) and a description saying which check failed.
 *
 * <p>It also serves {@code <any path>/.well-known/smart-configuration} with its {@code
 * token_endpoint}, counts requests, and can expire or revoke the tokens it issued and say whether a
 * bearer token is valid, so that it can guard a FHIR server in integration tests. Time is its
 * {@link Clock}, which tests may share with the client.
 */
public final class SmartTokenServer implements AutoCloseable {

  public static final String TOKEN_PATH = "/auth/token";
  private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

  /** A token it issued. */
  private record Issued(String clientId, String scope, Instant expiresAt) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, JWK> clients = new ConcurrentHashMap<>();
  private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();
  private final List<Map<String, String>> tokenRequestForms = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private volatile long expiresInSeconds = 300;
  private volatile boolean sendExpiresIn = true;
  private volatile Duration delay = Duration.ZERO;
  private final AtomicInteger failing = new AtomicInteger();
  private final AtomicInteger failuresServed = new AtomicInteger();
  private volatile int failStatus = 503;
  private volatile boolean servesSmartConfiguration = true;
  private volatile Canned canned;

  /** An answer given instead of the real one. */
  private record Canned(int status, String contentType, String body) {}

  private SmartTokenServer(Clock clock) throws IOException {
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A server on a free loopback port, on the system clock. */
  public static SmartTokenServer start() throws IOException {
    return new SmartTokenServer(Clock.systemUTC());
  }

  /** A server on a free loopback port whose "now" is {@code clock}. */
  public static SmartTokenServer start(Clock clock) throws IOException {
    return new SmartTokenServer(clock);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The token endpoint, which is also the audience assertions must name. */
  public String tokenUrl() {
    return origin() + TOKEN_PATH;
  }

  /** A FHIR base URL on this origin whose smart-configuration this server answers. */
  public String fhirBaseUrl() {
    return origin() + "/fhir";
  }

  /** Registers a client with its public key (a private JWK is reduced to its public part). */
  public SmartTokenServer register(String clientId, JWK key) {
    clients.put(clientId, key.toPublicJWK());
    return this;
  }

  /** The lifetime given to tokens from now on. */
  public SmartTokenServer expiresIn(long seconds) {
    this.expiresInSeconds = seconds;
    this.sendExpiresIn = true;
    return this;
  }

  /** Leave {@code expires_in} out of answers (tokens still expire after the current lifetime). */
  public SmartTokenServer withoutExpiresIn() {
    this.sendExpiresIn = false;
    return this;
  }

  /** Wait this long before answering a token request (to let concurrent callers pile up). */
  public SmartTokenServer delayTokenAnswers(Duration delay) {
    this.delay = delay;
    return this;
  }

  /**
   * Answer the next {@code count} token requests with this HTTP status (an endpoint that is down,
   * 503).
   */
  public SmartTokenServer failTokenRequests(int count, int status) {
    failing.set(count);
    failStatus = status;
    return this;
  }

  /**
   * Answer token requests with this instead (a server that misbehaves); {@code %assertion%} in the
   * body is replaced by the client assertion received, as a server that quotes the request in its
   * error does.
   */
  public SmartTokenServer answerTokenRequestsWith(int status, String contentType, String body) {
    canned = new Canned(status, contentType, body);
    return this;
  }

  /** Token requests answered with the injected failure so far. */
  public int tokenFailuresServed() {
    return failuresServed.get();
  }

  /** Answer 404 to smart-configuration requests, as a server without SMART discovery does. */
  public SmartTokenServer withoutSmartConfiguration() {
    this.servesSmartConfiguration = false;
    return this;
  }

  /** Token requests received, granted or not. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  public int tokensIssued() {
    return issued.size();
  }

  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /** The form fields of each token request, in order. */
  public List<Map<String, String>> tokenRequestForms() {
    return List.copyOf(tokenRequestForms);
  }

  /** The error descriptions sent, in order (what each refusal was for). */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  /**
   * Whether {@code token} was issued here, is not revoked, and has not expired by this server's
   * clock.
   */
  public boolean isValid(String token) {
    Issued grant = token == null ? null : issued.get(token);
    return grant != null && clock.instant().isBefore(grant.expiresAt());
  }

  /** {@link #isValid} for an {@code Authorization} header value ({@code Bearer <token>}). */
  public boolean isValidAuthorization(String header) {
    return header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && isValid(header.substring(7).trim());
  }

  public void revoke(String token) {
    issued.remove(token);
  }

  /** Every token issued so far (to check that none of them shows up where it must not). */
  public java.util.Set<String> issuedTokens() {
    return java.util.Set.copyOf(issued.keySet());
  }

  /** Every token issued so far expires now. */
  public void expireAll() {
    Instant now = clock.instant();
    issued.replaceAll((token, grant) -> new Issued(grant.clientId(), grant.scope(), now));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // --- HTTP
  // -----------------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.endsWith("/.well-known/smart-configuration")
          && exchange.getRequestMethod().equals("GET")
          && servesSmartConfiguration) {
        discoveryRequests.incrementAndGet();
        send(exchange, 200, smartConfiguration());
      } else if (path.equals(TOKEN_PATH) && exchange.getRequestMethod().equals("POST")) {
        tokenRequests.incrementAndGet();
        sleep();
        if (failing.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          failuresServed.incrementAndGet();
          send(exchange, failStatus, Map.of("error", "temporarily_unavailable"));
          return;
        }
        if (canned != null) {
          Canned answer = canned;
          String assertion =
              form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                  .getOrDefault("client_assertion", "");
          byte[] body =
              answer.body().replace("%assertion%", assertion).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", answer.contentType());
          exchange.sendResponseHeaders(answer.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
          return;
        }
        Map<String, Object> answer;
        try {
          answer = grant(exchange);
        } catch (Refusal refusal) {
          errors.add(refusal.getMessage());
          Map<String, Object> error = new LinkedHashMap<>();
          error.put("error", refusal.error());
          error.put("error_description", refusal.getMessage());
          send(exchange, 400, error);
          return;
        }
        send(exchange, 200, answer);
      } else {
        send(exchange, 404, Map.of("error", "not_found"));
      }
    }
  }

  private Map<String, Object> smartConfiguration() {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("token_endpoint", tokenUrl());
    configuration.put("grant_types_supported", List.of("client_credentials"));
    configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
    configuration.put(
        "token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    configuration.put("scopes_supported", List.of("system/*.read"));
    configuration.put("capabilities", List.of("client-confidential-asymmetric"));
    return configuration;
  }

  // --- the checks
  // -----------------------------------------------------------------------------------------------

  /** An OAuth error answer (RFC 6749 §5.2). */
  private Map<String, Object> grant(HttpExchange exchange) throws IOException, Refusal {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
      throw new Refusal(
          "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    Map<String, String> form =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    tokenRequestForms.add(form);
    SmartAuthorization.ClientAssertion assertion = SmartAuthorization.clientAssertion(form);
    SignedJWT jwt = assertion.jwt();
    JWTClaimsSet claims = assertion.claims();
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!JWSAlgorithm.RS384.equals(alg) && !JWSAlgorithm.ES384.equals(alg)) {
      throw new Refusal("invalid_client", "alg must be RS384 or ES384");
    }
    String clientId = claims.getIssuer();
    JWK key = clientId == null ? null : clients.get(clientId);
    if (key == null) {
      throw new Refusal("invalid_client", "unknown client");
    }
    if (!clientId.equals(claims.getSubject())) {
      throw new Refusal("invalid_client", "sub must equal iss");
    }
    if (!List.of(tokenUrl()).equals(claims.getAudience())) {
      throw new Refusal("invalid_client", "aud must be " + tokenUrl());
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) {
      throw new Refusal("invalid_client", "no registered key has kid " + kid);
    }
    if (!verifies(jwt, key)) {
      throw new Refusal("invalid_client", "the signature does not verify with the registered key");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || !exp.toInstant().isAfter(now)) {
      throw new Refusal("invalid_client", "the assertion has expired");
    }
    Instant issuedAt = claims.getIssueTime() == null ? now : claims.getIssueTime().toInstant();
    if (Duration.between(issuedAt, exp.toInstant()).compareTo(MAX_ASSERTION_LIFETIME) > 0
        || Duration.between(now, exp.toInstant()).compareTo(MAX_ASSERTION_LIFETIME) > 0) {
      throw new Refusal("invalid_client", "exp must be at most 5 minutes after iat");
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty()) {
      throw new Refusal("invalid_client", "jti is missing");
    }
    if (!seenJtis.add(clientId + " " + jti)) {
      throw new Refusal("invalid_client", "jti has been used before (replay)");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    long lifetime = expiresInSeconds;
    String scope = form.getOrDefault("scope", "");
    issued.put(token, new Issued(clientId, scope, now.plusSeconds(lifetime)));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("token_type", "bearer");
    if (sendExpiresIn) {
      answer.put("expires_in", lifetime);
    }
    answer.put("scope", scope);
    return answer;
  }

  private static boolean verifies(SignedJWT jwt, JWK key) {
    try {
      JWSVerifier verifier;
      if (key instanceof RSAKey rsa && JWSAlgorithm.RS384.equals(jwt.getHeader().getAlgorithm())) {
        verifier = new RSASSAVerifier(rsa);
      } else if (key instanceof ECKey ec
          && JWSAlgorithm.ES384.equals(jwt.getHeader().getAlgorithm())) {
        verifier = new ECDSAVerifier(ec);
      } else {
        return false;
      }
      return jwt.verify(verifier);
    } catch (JOSEException e) {
      return false;
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  private void sleep() {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
