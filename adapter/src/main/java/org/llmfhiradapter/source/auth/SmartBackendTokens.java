package org.llmfhiradapter.source.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.llmfhiradapter.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens by SMART Backend Services (client credentials with a signed JWT assertion, as Epic
 * and Cerner/Oracle Health require for system access): signs a short-lived assertion ({@code iss} =
 * {@code sub} = client id, {@code aud} = token URL, {@code exp} = now + 4 min, a fresh {@code jti})
 * with the client's private key, posts it to the token endpoint, and keeps the access token it gets
 * back.
 *
 * <p>A token is reused until {@code refreshMargin} (60 s by default) before it expires, so that a
 * request never leaves with a token about to lapse; for tokens shorter-lived than twice the margin,
 * half their lifetime is the margin. One fetch runs at a time: threads that need a token while one
 * is being fetched wait for it instead of each asking the server (EHRs throttle token endpoints).
 *
 * <p>The token URL is the configured one, or else the {@code token_endpoint} of the FHIR server's
 * {@code .well-known/smart-configuration}, read once on the first fetch. Nimbus' OAuth SDK makes
 * the token request (client credentials, {@code private_key_jwt}) and reads its answer (token,
 * type, lifetime, OAuth error); HTTP goes through the JDK client with the platform's TLS
 * verification and no redirects (an assertion must reach exactly the URL it is made for). Tokens,
 * assertions and keys appear in no log line or exception message.
 */
public final class SmartBackendTokens implements AccessTokens {

  /** How long before expiry a token is replaced, unless the constructor says otherwise. */
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);

  /** Assertion lifetime: SMART and Epic allow at most 5 minutes; 4 leaves room for clock skew. */
  static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);

  /** Token lifetime assumed when the server does not say (SMART's recommended maximum). */
  static final long DEFAULT_EXPIRES_IN_SECONDS = 300;

  private static final Logger log = LoggerFactory.getLogger(SmartBackendTokens.class);

  /** A token and when it lapses; never printed. */
  private record Token(String value, Instant refreshAt) {
    @Override
    public String toString() {
      return "Token[refreshAt=" + refreshAt + "]";
    }
  }

  private final String clientId;
  private final SigningKey key;
  private final String configuredTokenUrl;
  private final String tokenUrlSetting;
  private final String fhirBaseUrl;
  private final String scopes;
  private final HttpClient http;
  private final Duration readTimeout;
  private final Clock clock;
  private final Duration refreshMargin;
  private final Supplier<String> jtis;

  private final ReentrantLock fetching = new ReentrantLock();
  private volatile Token current;
  private volatile String tokenUrl;

  /**
   * Tokens for the configured client against the source server: loads the key now (so a bad key
   * file fails at start-up), uses the source's timeouts, the system clock and the default refresh
   * margin.
   *
   * @throws org.llmfhiradapter.config.ConfigException if the key file is missing or does not fit
   *     the algorithm
   */
  public static SmartBackendTokens create(AuthConfig auth, AdapterConfig.Source source) {
    if (auth.mode() != AuthConfig.Mode.SMART_BACKEND) {
      throw new IllegalArgumentException(
          "SMART backend tokens need " + auth.setting("mode") + "=smart-backend");
    }
    SigningKey key =
        PrivateKeys.load(
            auth.privateKeyFile(), auth.algorithm(), auth.keyId(), auth.privateKeyPassword());
    return new SmartBackendTokens(
        auth,
        key,
        source.baseUrl(),
        source.connectTimeout(),
        source.readTimeout(),
        Clock.systemUTC(),
        DEFAULT_REFRESH_MARGIN);
  }

  /**
   * @param auth client id, token URL (blank: discovered), scopes
   * @param key the signing key
   * @param fhirBaseUrl the FHIR server's base URL, for discovery
   * @param connectTimeout HTTP connect timeout
   * @param readTimeout how long to wait for an answer
   * @param clock the time assertions are stamped with and tokens expire by
   * @param refreshMargin how long before expiry a token is replaced
   */
  public SmartBackendTokens(
      AuthConfig auth,
      SigningKey key,
      String fhirBaseUrl,
      Duration connectTimeout,
      Duration readTimeout,
      Clock clock,
      Duration refreshMargin) {
    this(
        auth,
        key,
        fhirBaseUrl,
        connectTimeout,
        readTimeout,
        clock,
        refreshMargin,
        () -> UUID.randomUUID().toString());
  }

  /** As above, with the source of {@code jti} values (tests reuse one to provoke a replay). */
  SmartBackendTokens(
      AuthConfig auth,
      SigningKey key,
      String fhirBaseUrl,
      Duration connectTimeout,
      Duration readTimeout,
      Clock clock,
      Duration refreshMargin,
      Supplier<String> jtis) {
    this.clientId = Objects.requireNonNull(auth.clientId());
    this.key = Objects.requireNonNull(key);
    this.configuredTokenUrl = auth.tokenUrl() == null ? "" : auth.tokenUrl().trim();
    this.tokenUrlSetting = auth.setting("token-url");
    this.fhirBaseUrl = fhirBaseUrl == null ? "" : fhirBaseUrl.trim();
    this.scopes = auth.scopes();
    this.readTimeout = Objects.requireNonNull(readTimeout);
    this.clock = Objects.requireNonNull(clock);
    this.refreshMargin = Objects.requireNonNull(refreshMargin);
    this.jtis = jtis;
    // Redirect.NEVER is the JDK default; said here because following one would send the assertion
    // elsewhere.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("A SMART backend client needs a client id");
    }
  }

  @Override
  public String token() {
    Token token = current;
    if (isFresh(token)) {
      return token.value();
    }
    fetching.lock();
    try {
      // Another thread may have fetched while this one waited for the lock.
      token = current;
      if (isFresh(token)) {
        return token.value();
      }
      token = fetch();
      current = token;
      return token.value();
    } finally {
      fetching.unlock();
    }
  }

  @Override
  public void invalidate() {
    current = null;
  }

  @Override
  public void invalidate(String rejectedToken) {
    fetching.lock();
    try {
      Token token = current;
      if (token != null && token.value().equals(rejectedToken)) {
        current = null;
      }
    } finally {
      fetching.unlock();
    }
  }

  /**
   * The token endpoint in use: the configured one, or the discovered one once a token has been
   * fetched.
   */
  public String tokenUrl() {
    return configuredTokenUrl.isEmpty() ? tokenUrl : configuredTokenUrl;
  }

  @Override
  public String toString() {
    return "SmartBackendTokens[clientId="
        + clientId
        + ", "
        + key
        + ", tokenUrl="
        + tokenUrl()
        + "]";
  }

  private boolean isFresh(Token token) {
    return token != null && clock.instant().isBefore(token.refreshAt());
  }

  // --- the token request
  // ----------------------------------------------------------------------------------------

  private Token fetch() {
    String url = resolveTokenUrl();
    String step = "SMART token request to " + url;
    String failed = step + " failed: ";
    SignedJWT assertion = assertion(url);
    String assertionText = assertion.serialize();
    TokenRequest request =
        new TokenRequest(
            URI.create(url),
            new PrivateKeyJWT(assertion),
            new ClientCredentialsGrant(),
            Scope.parse(scopes));
    Instant requested = clock.instant();
    HTTPResponse answer = exchange(request.toHTTPRequest(), step);
    int status = answer.getStatusCode();
    TokenResponse response;
    try {
      response = TokenResponse.parse(answer);
    } catch (ParseException e) {
      // The SDK's reason (a member missing, a wrong type, not JSON) names the rule, never the
      // token; sanitized all the same, since its message may quote what the server sent.
      throw new AuthException(
          failed
              + "HTTP "
              + status
              + ", not an OAuth token answer ("
              + sanitize(e.getMessage(), assertionText)
              + ")",
          isTransient(status));
    }
    if (!response.indicatesSuccess()) {
      throw new AuthException(
          failed
              + "HTTP "
              + status
              + " "
              + oauthError(response.toErrorResponse().getErrorObject(), assertionText),
          isTransient(status));
    }
    AccessToken token = response.toSuccessResponse().getTokens().getAccessToken();
    if (!(token instanceof BearerAccessToken)) {
      throw new AuthException(
          failed + "token_type is '" + token.getType() + "', but only bearer tokens are supported");
    }
    // The SDK reads a missing expires_in as 0: SMART's recommended maximum is assumed then.
    long expiresIn = token.getLifetime() == 0 ? DEFAULT_EXPIRES_IN_SECONDS : token.getLifetime();
    if (expiresIn < 0) {
      throw new AuthException(
          failed + "expires_in is " + expiresIn + " s, so the token is already expired");
    }
    // Half the lifetime as the margin for short-lived tokens, else a 60 s token would be refetched
    // every call.
    long margin = Math.min(refreshMargin.toSeconds(), expiresIn / 2);
    Instant refreshAt = requested.plusSeconds(expiresIn - margin);
    log.info("Fetched a new access token from {}, expires in {} s", url, expiresIn);
    return new Token(token.getValue(), refreshAt);
  }

  /**
   * The signed client assertion (RFC 7523) for {@code audience}: the SDK's claims set for client
   * authentication, stamped by our clock and with our {@code jti} source, signed by our key (RS384
   * or ES384, {@code kid} when known).
   */
  private SignedJWT assertion(String audience) {
    Instant now = clock.instant();
    JWTAuthenticationClaimsSet claims =
        new JWTAuthenticationClaimsSet(
            new ClientID(clientId),
            List.of(new Audience(audience)),
            Date.from(now.plus(ASSERTION_LIFETIME)),
            null,
            Date.from(now),
            new JWTID(jtis.get()));
    JWSHeader.Builder header =
        new JWSHeader.Builder(key.algorithm().jws()).type(JOSEObjectType.JWT);
    key.keyId().ifPresent(header::keyID);
    SignedJWT jwt = new SignedJWT(header.build(), claims.toJWTClaimsSet());
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new AuthException(
          "Signing the SMART client assertion with the " + key.algorithm() + " key failed");
    }
    return jwt;
  }

  // --- discovery
  // ----------------------------------------------------------------------------------------------

  private String resolveTokenUrl() {
    if (!configuredTokenUrl.isEmpty()) {
      return configuredTokenUrl;
    }
    if (tokenUrl == null) {
      tokenUrl = discover();
    }
    return tokenUrl;
  }

  private String discover() {
    if (fhirBaseUrl.isEmpty()) {
      throw new AuthException("SMART discovery needs the FHIR base URL, or set " + tokenUrlSetting);
    }
    String url = fhirBaseUrl.replaceAll("/+$", "") + "/.well-known/smart-configuration";
    String failed = "SMART discovery at " + url + " failed: ";
    String hint = "; set " + tokenUrlSetting + " to the token endpoint instead";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(readTimeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<String> response = send(request, "SMART discovery at " + url);
    if (response.statusCode() != 200) {
      throw new AuthException(
          failed + "HTTP " + response.statusCode() + hint, isTransient(response.statusCode()));
    }
    Map<String, Object> body = json(response.body());
    Object endpoint = body == null ? null : body.get("token_endpoint");
    if (!(endpoint instanceof String found) || found.isBlank()) {
      throw new AuthException(failed + "no token_endpoint in the answer" + hint);
    }
    var origin = Origin.of(found);
    if (origin.isEmpty() || !origin.get().mayCarryCredentials()) {
      throw new AuthException(
          failed + "token_endpoint '" + sanitize(found, null) + "' is not an https URL" + hint);
    }
    warnIfUnsupported(body, url);
    log.info("Discovered the SMART token endpoint {} from {}", found, url);
    return found;
  }

  /**
   * The server says what it supports; a mismatch is logged rather than fatal, as servers
   * under-declare.
   */
  private void warnIfUnsupported(Map<String, Object> configuration, String url) {
    if (configuration.get("token_endpoint_auth_methods_supported") instanceof List<?> methods
        && !methods.contains("private_key_jwt")) {
      log.warn(
          "{} does not list private_key_jwt among token_endpoint_auth_methods_supported {}",
          url,
          methods);
    }
    if (configuration.get("token_endpoint_auth_signing_alg_values_supported")
            instanceof List<?> algorithms
        && !algorithms.contains(key.algorithm().name())) {
      log.warn(
          "{} does not list {} among token_endpoint_auth_signing_alg_values_supported {}",
          url,
          key.algorithm(),
          algorithms);
    }
  }

  // --- HTTP helpers
  // ---------------------------------------------------------------------------------------------

  /** 429 and 5xx say "not now", not "not you": the request is worth repeating after a wait. */
  private static boolean isTransient(int status) {
    return status == 429 || status >= 500;
  }

  private HttpResponse<String> send(HttpRequest request, String step) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw new AuthException(step + " failed: cannot connect (timed out)", true);
    } catch (HttpTimeoutException e) {
      throw new AuthException(
          step + " failed: no answer within " + readTimeout.toSeconds() + " s", true);
    } catch (ConnectException e) {
      throw new AuthException(
          step
              + " failed: cannot connect ("
              + (e.getMessage() == null ? "refused" : e.getMessage())
              + ")",
          true);
    } catch (IOException e) {
      throw new AuthException(
          step
              + " failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " (" + sanitize(e.getMessage(), null) + ")"),
          true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthException(step + " was interrupted");
    }
  }

  /**
   * Sends the SDK's request through the JDK client (our timeouts, no redirects, the failures above
   * as one line) and hands the answer back in the SDK's form.
   */
  private HTTPResponse exchange(HTTPRequest request, String step) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request.getURI())
            .timeout(readTimeout)
            .header("Accept", "application/json");
    request
        .getHeaderMap()
        .forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
    HttpResponse<String> response =
        send(
            builder
                .method(
                    request.getMethod().name(),
                    HttpRequest.BodyPublishers.ofString(
                        request.getBody() == null ? "" : request.getBody(), StandardCharsets.UTF_8))
                .build(),
            step);
    HTTPResponse answer = new HTTPResponse(response.statusCode());
    response
        .headers()
        .map()
        .forEach((name, values) -> answer.setHeader(name, values.toArray(String[]::new)));
    answer.setBody(response.body());
    return answer;
  }

  private static Map<String, Object> json(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSONObjectUtils.parse(body);
    } catch (java.text.ParseException e) {
      return null;
    }
  }

  /**
   * {@code invalid_client (description)} from an OAuth error answer (RFC 6749 §5.2), or a note that
   * there is none.
   */
  private static String oauthError(ErrorObject error, String assertion) {
    if (error == null || error.getCode() == null) {
      return "(no OAuth error in the answer)";
    }
    String description = error.getDescription();
    return sanitize(error.getCode(), assertion)
        + (description == null ? "" : " (" + sanitize(description, assertion) + ")");
  }

  /**
   * Something JWT-shaped: three base64url segments. A server echoing our assertion must not put it
   * in a log.
   */
  private static final java.util.regex.Pattern JWT_LIKE =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");

  /**
   * Server text made fit for a one-line message: no assertion, nothing JWT-like, no line breaks,
   * 200 chars.
   */
  static String sanitize(String text, String assertion) {
    String out = text;
    if (assertion != null && !assertion.isEmpty()) {
      out = out.replace(assertion, "(assertion)");
    }
    out = JWT_LIKE.matcher(out).replaceAll("(token)").replaceAll("\\s+", " ").strip();
    return out.length() > 200 ? out.substring(0, 200) + "…" : out;
  }
}
