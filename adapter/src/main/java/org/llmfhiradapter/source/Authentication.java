package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import java.util.Optional;

/**
 * How the pull authenticates to the FHIR server: an interceptor that adds the credentials to requests for the
 * server's own origin, and what to do when the server answers 401.
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
      };

  /** The authentication {@code llm.source.auth.*} asks for, for this source. */
  static Authentication of(org.llmfhiradapter.source.auth.AuthConfig auth, org.llmfhiradapter.config.AdapterConfig.Source source) {
    Optional<org.llmfhiradapter.source.auth.AuthInterceptor> interceptor =
        org.llmfhiradapter.source.auth.AuthInterceptor.forSource(auth, source);
    boolean tokens = auth.mode() == org.llmfhiradapter.source.auth.AuthConfig.Mode.SMART_BACKEND;
    return new Authentication() {
      @Override
      public Optional<IClientInterceptor> interceptor() {
        return interceptor.map(IClientInterceptor.class::cast);
      }

      @Override
      public boolean renew() {
        // The interceptor has already dropped the token the server refused; a fresh one may be accepted.
        return tokens;
      }
    };
  }

  Optional<IClientInterceptor> interceptor();

  /** Drops cached credentials after a 401; true when trying again with fresh ones may help. */
  boolean renew();
}
