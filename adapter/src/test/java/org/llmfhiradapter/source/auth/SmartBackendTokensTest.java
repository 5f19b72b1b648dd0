package org.llmfhiradapter.source.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.testing.MutableClock;
import org.llmfhiradapter.testing.SmartTokenServer;
import org.llmfhiradapter.testing.TestKeys;

class SmartBackendTokensTest {

  private static final String CLIENT = "llm-adapter-client";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atNow();
  private SmartTokenServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = SmartTokenServer.start(clock);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void anRs384KeyGetsATokenTheServerAccepts() {
    server.register(CLIENT, TestKeys.rsa());

    String token = tokens(TestKeys.rsa(), SigningAlgorithm.RS384).token();

    assertThat(server.isValid(token)).isTrue();
    assertThat(server.tokenRequests()).isEqualTo(1);
  }

  @Test
  void anEs384KeyGetsATokenTheServerAccepts() {
    server.register(CLIENT, TestKeys.ecP384());

    String token = tokens(TestKeys.ecP384(), SigningAlgorithm.ES384).token();

    assertThat(server.isValid(token)).isTrue();
  }

  @Test
  void theRequestAndItsAssertionCarryWhatSmartBackendServicesRequires() throws Exception {
    RSAKey key = TestKeys.rsa();
    server.register(CLIENT, new RSAKey.Builder(key.toRSAPublicKey()).keyIDFromThumbprint().build());

    tokens(key, SigningAlgorithm.RS384).token();

    var form = server.tokenRequestForms().get(0);
    assertThat(form)
        .containsEntry("grant_type", "client_credentials")
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .containsEntry("scope", "system/Patient.read system/Condition.read");
    SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
    assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
    assertThat(assertion.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(assertion.getHeader().getKeyID()).isEqualTo(key.computeThumbprint().toString());
    JWTClaimsSet claims = assertion.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(CLIENT);
    assertThat(claims.getSubject()).isEqualTo(CLIENT);
    assertThat(claims.getAudience()).containsExactly(server.tokenUrl());
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(4)));
    assertThat(UUID.fromString(claims.getJWTID())).isNotNull();
  }

  @Test
  void aKeyTheServerDoesNotKnowIsRefusedWithTheOauthErrorAndNoSecret() {
    server.register(CLIENT, TestKeys.rsa("registered", 2048));
    RSAKey otherKey = TestKeys.rsa();
    SmartBackendTokens tokens = tokens(otherKey, SigningAlgorithm.RS384);

    Throwable thrown = catchAuth(tokens::token);

    assertThat(thrown)
        .hasMessage(
            "SMART token request to "
                + server.tokenUrl()
                + " failed: HTTP 400 invalid_client (the signature does not verify with the registered key)");
    String assertion = server.tokenRequestForms().get(0).get("client_assertion");
    assertThat(thrown.getMessage())
        .doesNotContain(assertion)
        .doesNotContain(otherKey.getPrivateExponent().toString())
        .doesNotContain(pemBody(otherKey));
  }

  @Test
  void anAssertionStampedByAClockTenMinutesBehindIsRefusedAsExpired() {
    server.register(CLIENT, TestKeys.rsa());
    MutableClock slowClock = new MutableClock(clock.instant().minus(Duration.ofMinutes(10)));
    SmartBackendTokens tokens =
        tokens(
            TestKeys.rsa(),
            SigningAlgorithm.RS384,
            server.tokenUrl(),
            slowClock,
            () -> UUID.randomUUID().toString());

    assertThat(catchAuth(tokens::token))
        .hasMessageEndingWith("HTTP 400 invalid_client (the assertion has expired)");
  }

  @Test
  void aReplayedAssertionIsRefusedByTheServer() {
    server.register(CLIENT, TestKeys.ecP384());
    SmartBackendTokens tokens =
        tokens(
            TestKeys.ecP384(),
            SigningAlgorithm.ES384,
            server.tokenUrl(),
            clock,
            () -> "the-same-jti");
    tokens.token();
    tokens.invalidate();

    assertThat(catchAuth(tokens::token))
        .hasMessageEndingWith("invalid_client (jti has been used before (replay))");
    assertThat(server.tokenRequests()).isEqualTo(2);
  }

  @Test
  void aTokenIsReusedUntilSixtySecondsBeforeItExpiresAndThenReplaced() {
    server.register(CLIENT, TestKeys.rsa()).expiresIn(300);
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    String first = tokens.token();

    clock.advance(Duration.ofSeconds(239));
    assertThat(tokens.token()).isEqualTo(first);
    assertThat(server.tokenRequests()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    String second = tokens.token();
    assertThat(second).isNotEqualTo(first);
    assertThat(server.isValid(second)).isTrue();
    assertThat(server.tokenRequests()).isEqualTo(2);
  }

  @Test
  void withoutExpiresInATokenIsTakenToLastFiveMinutes() {
    server.register(CLIENT, TestKeys.rsa()).withoutExpiresIn();
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    String first = tokens.token();

    clock.advance(Duration.ofSeconds(239));
    assertThat(tokens.token()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.token()).isNotEqualTo(first);
    assertThat(server.tokenRequests()).isEqualTo(2);
  }

  @Test
  void aTokenShorterLivedThanTwiceTheMarginIsReplacedAtHalfItsLifetime() {
    server.register(CLIENT, TestKeys.rsa()).expiresIn(90);
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    String first = tokens.token();

    clock.advance(Duration.ofSeconds(44));
    assertThat(tokens.token()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.token()).isNotEqualTo(first);
  }

  @Test
  void invalidateMakesTheNextCallFetchANewToken() {
    server.register(CLIENT, TestKeys.rsa());
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    String first = tokens.token();

    tokens.invalidate();

    assertThat(tokens.token()).isNotEqualTo(first);
    assertThat(server.tokenRequests()).isEqualTo(2);
  }

  @Test
  void reportingAnOldRejectedTokenKeepsTheOneFetchedSince() {
    server.register(CLIENT, TestKeys.rsa());
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    String first = tokens.token();
    tokens.invalidate(first);
    String second = tokens.token();

    tokens.invalidate(first);

    assertThat(tokens.token()).isEqualTo(second);
    assertThat(server.tokenRequests()).isEqualTo(2);
  }

  @Test
  void concurrentCallersShareOneFetch() throws Exception {
    server.register(CLIENT, TestKeys.rsa()).delayTokenAnswers(Duration.ofMillis(300));
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return tokens.token();
                }));
      }
      start.countDown();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      for (Future<String> result : results) {
        seen.add(result.get(10, TimeUnit.SECONDS));
      }

      assertThat(seen).hasSize(1);
      assertThat(server.tokenRequests()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBlankTokenUrlIsDiscoveredOnceFromSmartConfiguration() {
    server.register(CLIENT, TestKeys.rsa());
    SmartBackendTokens tokens =
        tokens(
            TestKeys.rsa(), SigningAlgorithm.RS384, "", clock, () -> UUID.randomUUID().toString());

    String token = tokens.token();
    tokens.invalidate();
    tokens.token();

    assertThat(server.isValid(token)).isTrue();
    assertThat(tokens.tokenUrl()).isEqualTo(server.tokenUrl());
    assertThat(server.discoveryRequests()).isEqualTo(1);
  }

  @Test
  void aServerWithoutSmartConfigurationIsReportedWithTheSettingToUseInstead() {
    server.register(CLIENT, TestKeys.rsa()).withoutSmartConfiguration();
    SmartBackendTokens tokens =
        tokens(
            TestKeys.rsa(), SigningAlgorithm.RS384, "", clock, () -> UUID.randomUUID().toString());

    assertThat(catchAuth(tokens::token))
        .hasMessage(
            "SMART discovery at "
                + server.fhirBaseUrl()
                + "/.well-known/smart-configuration failed: HTTP 404;"
                + " set llm.source.auth.token-url to the token endpoint instead");
  }

  @Test
  void anUnreachableTokenEndpointIsOneLineNamingIt() {
    SmartBackendTokens tokens =
        tokens(
            TestKeys.rsa(),
            SigningAlgorithm.RS384,
            "http://127.0.0.1:1/token",
            clock,
            () -> UUID.randomUUID().toString());

    assertThat(catchAuth(tokens::token).getMessage())
        .startsWith("SMART token request to http://127.0.0.1:1/token failed: cannot connect")
        .doesNotContain("\n");
  }

  // --- answers a token endpoint should not give
  // ------------------------------------------------------------------

  @Test
  void anAnswerWithoutAnAccessTokenIsOneLineNamingWhatIsMissing() {
    server.answerTokenRequestsWith(
        200, "application/json", "{\"token_type\":\"bearer\",\"expires_in\":300}");

    assertThat(catchAuth(tokens(TestKeys.rsa(), SigningAlgorithm.RS384)::token))
        .hasMessage(
            "SMART token request to "
                + server.tokenUrl()
                + " failed: HTTP 200, not an OAuth token answer (Missing JSON object member with key access_token)");
  }

  @Test
  void aLoginPageInsteadOfJsonIsNotTakenForAToken() {
    server.answerTokenRequestsWith(200, "text/html", "<html><body>Sign in</body></html>");

    assertThat(catchAuth(tokens(TestKeys.rsa(), SigningAlgorithm.RS384)::token).getMessage())
        .startsWith(
            "SMART token request to "
                + server.tokenUrl()
                + " failed: HTTP 200, not an OAuth token answer (")
        .doesNotContain("\n");
  }

  @Test
  void aTokenOfAnotherTypeThanBearerIsRefused() {
    server.answerTokenRequestsWith(
        200, "application/json", "{\"access_token\":\"abc\",\"token_type\":\"DPoP\"}");

    assertThat(catchAuth(tokens(TestKeys.rsa(), SigningAlgorithm.RS384)::token))
        .hasMessageEndingWith("failed: token_type is 'DPoP', but only bearer tokens are supported");
  }

  @Test
  void expiresInSentAsTextIsReadAsSeconds() {
    server.answerTokenRequestsWith(
        200,
        "application/json",
        "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":\"90\"}");
    SmartBackendTokens tokens = tokens(TestKeys.rsa(), SigningAlgorithm.RS384);
    tokens.token();

    clock.advance(Duration.ofSeconds(44));
    tokens.token();
    assertThat(server.tokenRequests()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    tokens.token();
    assertThat(server.tokenRequests()).as("replaced at half of a 90 s lifetime").isEqualTo(2);
  }

  @Test
  void anErrorThatQuotesTheAssertionDoesNotCarryItIntoTheMessage() {
    server.answerTokenRequestsWith(
        400,
        "application/json",
        "{\"error\":\"invalid_client\",\"error_description\":\"cannot verify %assertion%\"}");

    Throwable thrown = catchAuth(tokens(TestKeys.rsa(), SigningAlgorithm.RS384)::token);

    assertThat(thrown)
        .hasMessage(
            "SMART token request to "
                + server.tokenUrl()
                + " failed: HTTP 400 invalid_client (cannot verify (assertion))");
  }

  @Test
  void aServerErrorWithoutOauthErrorIsTransientAndSaysSo() {
    server.answerTokenRequestsWith(502, "text/html", "<html>Bad gateway</html>");

    Throwable thrown = catchAuth(tokens(TestKeys.rsa(), SigningAlgorithm.RS384)::token);

    assertThat(thrown).hasMessageEndingWith("failed: HTTP 502 (no OAuth error in the answer)");
    assertThat(((AuthException) thrown).isTransient()).isTrue();
  }

  @Test
  void neitherTheKeyNorATokenAppearsInToString() {
    server.register(CLIENT, TestKeys.rsa());
    RSAKey key = TestKeys.rsa();
    SmartBackendTokens tokens = tokens(key, SigningAlgorithm.RS384);
    String token = tokens.token();

    assertThat(tokens.toString())
        .contains(CLIENT, "RS384")
        .doesNotContain(token)
        .doesNotContain(key.getPrivateExponent().toString());
  }

  // --- helpers
  // ----------------------------------------------------------------------------------------------------

  private SmartBackendTokens tokens(JWK key, SigningAlgorithm algorithm) {
    return tokens(key, algorithm, server.tokenUrl(), clock, () -> UUID.randomUUID().toString());
  }

  private SmartBackendTokens tokens(
      JWK key,
      SigningAlgorithm algorithm,
      String tokenUrl,
      java.time.Clock clientClock,
      Supplier<String> jtis) {
    Path file =
        TestKeys.write(dir.resolve("client-key.pem"), TestKeys.pkcs8Pem(TestKeys.privateKey(key)));
    AuthConfig auth =
        new AuthConfig(
            AuthConfig.Mode.SMART_BACKEND,
            CLIENT,
            file,
            "",
            algorithm,
            tokenUrl,
            "system/Patient.read system/Condition.read",
            "",
            "",
            "",
            AuthConfig.SOURCE,
            KeyPassword.NONE);
    SigningKey signingKey = PrivateKeys.load(file, algorithm, "");
    return new SmartBackendTokens(
        auth,
        signingKey,
        server.fhirBaseUrl(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        clientClock,
        SmartBackendTokens.DEFAULT_REFRESH_MARGIN,
        jtis);
  }

  private static String pemBody(JWK key) {
    String pem = TestKeys.pkcs8Pem(TestKeys.privateKey(key));
    return pem.split("\n")[3];
  }

  private static Throwable catchAuth(Runnable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(AuthException.class);
    return thrown;
  }
}
