package org.llmfhiradapter.source.auth;

/**
 * A source of bearer access tokens for one FHIR server. Implementations are thread-safe; {@link
 * #token()} may block while a token is fetched, and fetches at most one at a time however many
 * threads ask.
 */
public interface AccessTokens {

  /**
   * A token valid for at least a little while longer.
   *
   * @throws AuthException when no token can be had; the message names the step and the server's
   *     answer
   */
  String token();

  /** Forgets the current token: the next {@link #token()} fetches a new one (e.g. after a 401). */
  void invalidate();

  /**
   * Forgets {@code rejectedToken} if it is still the current token. After a 401 several threads may
   * report the same stale token; only the first report should cost a new fetch, and a token fetched
   * meanwhile is kept.
   */
  default void invalidate(String rejectedToken) {
    invalidate();
  }
}
