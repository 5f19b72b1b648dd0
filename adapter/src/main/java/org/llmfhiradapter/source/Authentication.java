package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import java.util.Optional;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.source.auth.AuthConfig;
import org.llmfhiradapter.source.auth.AuthInterceptor;

/**
 * How the pull authenticates to the FHIR server: an interceptor that adds the credentials to
 * requests for the server's own origin, and what to do when the server answers 401.
 */
public interface Authentication {

  /** No credentials (an open sandbox such as the embedded server). */
  Authentication NONE =
      new Authentication() {
        @Override
        public Optional<IClientInterceptor> interceptor() {
          return Optional.empty();
        }

        @Override
        public boolean renew() {
          return false;
        }

        @Override
        public void prepare() {}

        @Override
        public Optional<String> authorizationFor(String url) {
          return Optional.empty();
        }
      };

  /** The authentication {@code llm.source.auth.*} asks for, for this source. */
  static Authentication of(AuthConfig auth, AdapterConfig.Source source) {
    Optional<AuthInterceptor> interceptor = AuthInterceptor.forSource(auth, source);
    boolean tokens = auth.mode() == AuthConfig.Mode.SMART_BACKEND;
    return new Authentication() {
      @Override
      public Optional<IClientInterceptor> interceptor() {
        return interceptor.map(IClientInterceptor.class::cast);
      }

      @Override
      public boolean renew() {
        // The interceptor has already dropped the token the server refused; a fresh one may be
        // accepted.
        return tokens;
      }

      @Override
      public void prepare() {
        interceptor.ifPresent(AuthInterceptor::prepare);
      }

      @Override
      public Optional<String> authorizationFor(String url) {
        return interceptor.flatMap(i -> i.authorizationFor(url));
      }
    };
  }

  Optional<IClientInterceptor> interceptor();

  /** Drops cached credentials after a 401; true when trying again with fresh ones may help. */
  boolean renew();

  /**
   * Gets the credentials ready before a request (a SMART token is fetched here, not inside the HTTP
   * client).
   *
   * @throws AuthException when they cannot be had
   */
  void prepare();

  /**
   * The Authorization header for a request outside HAPI's client to {@code url}: only to the
   * server's origin.
   */
  Optional<String> authorizationFor(String url);
}
