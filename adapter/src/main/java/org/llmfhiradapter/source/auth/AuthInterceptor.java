package org.llmfhiradapter.source.auth;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;

/**
 * Puts the {@code Authorization} header on HAPI client requests, but only on requests to the origin
 * (scheme, host, port) of the configured FHIR base URL. Servers hand out absolute URLs ({@code
 * next} links, Cerner's {@code fullUrl}s on another host, Bulk Data file locations); whatever a
 * response makes the client follow, a token or password must never travel to another origin, so on
 * any other origin the header is removed instead.
 *
 * <p>A 401 answer to a bearer request makes the token provider forget that token, so the next
 * request fetches a new one (the request itself is not retried here: the caller decides).
 *
 * <p>Register it with {@code client.registerInterceptor(interceptor)}; {@link #forSource} builds
 * the one the settings ask for.
 */
public final class AuthInterceptor implements IClientInterceptor {

  private static final String AUTHORIZATION = "Authorization";

  private final Origin origin;
  private final Supplier<String> headerValue;
  private final AccessTokens tokens;

  /** The bearer token each thread last sent, to report exactly that one when the answer is 401. */
  private final ThreadLocal<String> sentToken = new ThreadLocal<>();

  private AuthInterceptor(String fhirBaseUrl, Supplier<String> headerValue, AccessTokens tokens) {
    this.origin =
        Origin.of(fhirBaseUrl)
            .filter(Origin::mayCarryCredentials)
            .orElseThrow(() -> refusal(fhirBaseUrl));
    this.headerValue = headerValue;
    this.tokens = tokens;
  }

  /** Bearer tokens from {@code tokens} for requests to {@code fhirBaseUrl}'s origin. */
  public static AuthInterceptor bearer(String fhirBaseUrl, AccessTokens tokens) {
    Objects.requireNonNull(tokens);
    return new AuthInterceptor(fhirBaseUrl, null, tokens);
  }

  /** HTTP Basic for requests to {@code fhirBaseUrl}'s origin. */
  public static AuthInterceptor basic(String fhirBaseUrl, BasicCredentials credentials) {
    String value = credentials.authorizationHeader();
    return new AuthInterceptor(fhirBaseUrl, () -> value, null);
  }

  /**
   * The interceptor the settings ask for: empty for mode none, Basic, or SMART backend tokens (the
   * key file is read now, so a bad one fails before the pull starts).
   *
   * @throws ConfigException for a bad key file, or credentials that would go over plain http to
   *     another machine
   */
  public static Optional<AuthInterceptor> forSource(AuthConfig auth, AdapterConfig.Source source) {
    return switch (auth.mode()) {
      case NONE -> Optional.empty();
      case BASIC -> {
        requireSafeOrigin(auth, source);
        yield Optional.of(basic(source.baseUrl(), auth.basicCredentials().orElseThrow()));
      }
      case BEARER -> {
        requireSafeOrigin(auth, source);
        yield Optional.of(bearer(source.baseUrl(), new StaticToken(auth.bearerToken())));
      }
      case SMART_BACKEND -> {
        // Check the base URL before reading the key, so that the first error is the most basic one.
        requireSafeOrigin(auth, source);
        yield Optional.of(bearer(source.baseUrl(), SmartBackendTokens.create(auth, source)));
      }
    };
  }

  private static void requireSafeOrigin(AuthConfig auth, AdapterConfig.Source server) {
    Origin.of(server.baseUrl())
        .filter(Origin::mayCarryCredentials)
        .orElseThrow(() -> refusal(auth, server.baseUrl()));
  }

  /** A token given by the operator (env or file): used as is, never renewed. */
  private record StaticToken(String value) implements AccessTokens {
    @Override
    public String token() {
      return value;
    }

    @Override
    public void invalidate() {}

    @Override
    public String toString() {
      return "StaticToken[(hidden)]";
    }
  }

  /**
   * Whether {@code url} has the same origin (scheme, host, port; default ports made explicit) as
   * {@code baseUrl}. False when either is not an absolute http(s) URL. The pull uses it to refuse
   * {@code next} links that leave the server.
   */
  public static boolean isSameOrigin(String url, String baseUrl) {
    Optional<Origin> a = Origin.of(url);
    return a.isPresent() && a.equals(Origin.of(baseUrl));
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    // Whatever put an Authorization header there before, this interceptor decides where one goes.
    request.removeHeaders(AUTHORIZATION);
    sentToken.remove();
    if (!Origin.of(request.getUri()).map(origin::equals).orElse(false)) {
      return;
    }
    if (tokens != null) {
      // The token was fetched before the request (prepare()); fetching here could only fail inside
      // HAPI's interceptor chain, which logs a stack trace for it. Without a token the server
      // answers 401, and the caller's renewal reports the token endpoint's failure in one line.
      String token;
      try {
        token = tokens.token();
      } catch (AuthException e) {
        return;
      }
      sentToken.set(token);
      request.addHeader(AUTHORIZATION, "Bearer " + token);
    } else {
      request.addHeader(AUTHORIZATION, headerValue.get());
    }
  }

  /**
   * The Authorization header for a request to {@code url} made outside HAPI's client (bulk export
   * files): only for this server's origin; empty for any other, so that no credential leaves it.
   */
  public Optional<String> authorizationFor(String url) {
    if (!Origin.of(url).map(origin::equals).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(tokens != null ? "Bearer " + tokens.token() : headerValue.get());
  }

  /**
   * Makes sure a token is at hand before a request goes out, fetching one if needed, outside HAPI's
   * client.
   *
   * @throws AuthException when none can be had ({@link AuthException#isTransient()} says whether to
   *     try again)
   */
  public void prepare() {
    if (tokens != null) {
      tokens.token();
    }
  }

  @Override
  public void interceptResponse(IHttpResponse response) {
    String token = sentToken.get();
    sentToken.remove();
    if (token != null && response.getStatus() == 401) {
      tokens.invalidate(token);
    }
  }

  private static ConfigException refusal(String baseUrl) {
    return refusal(AuthConfig.none(), baseUrl);
  }

  private static ConfigException refusal(AuthConfig auth, String baseUrl) {
    String setting =
        auth.prefix().equals(AuthConfig.PUBLISH) ? "llm.publish.base-url" : "llm.source.base-url";
    return new ConfigException(
        "Setting "
            + setting
            + " is '"
            + baseUrl
            + "': credentials are only sent to an absolute https URL (plain"
            + " http only to loopback addresses)");
  }

  @Override
  public String toString() {
    return "AuthInterceptor[" + origin + ", " + (tokens != null ? "bearer" : "basic") + "]";
  }
}
