package org.llmfhiradapter.sandbox;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.llmfhiradapter.config.ConfigException;

/**
 * The sandbox as a SMART Backend Services server, for rehearsing an EHR connection on one machine:
 * it publishes {@code .well-known/smart-configuration}, runs a token endpoint that accepts the
 * client-credentials grant with a signed client assertion (RS384 or ES384, verified against the JWK
 * Set the user registered, as Epic and Cerner verify it: {@code iss} = {@code sub} = the client id,
 * {@code aud} = the token URL, at most five minutes' life, each {@code jti} once), and issues
 * short-lived bearer tokens with the system scopes asked for, which the FHIR endpoints then
 * require.
 */
public final class SmartAuthorization {

  /** Where the token endpoint is, on the sandbox's origin. */
  public static final String TOKEN_PATH = "/auth/token";

  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Duration MAX_ASSERTION_LIFE = Duration.ofMinutes(5);

  /** Clocks of two machines differ a little; a token endpoint allows for it. */
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final Pattern SCOPE =
      Pattern.compile("system/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|(?=[cruds])c?r?u?d?s?)");

  /** A token it issued: whose, which scopes, until when. */
  record Grant(String clientId, Set<String> scopes, Instant expiresAt) {

    /**
     * Whether the scopes allow reading (or writing) this resource type; null: any type (a next
     * page, a transaction). SMART v1 ({@code read}, {@code write}, {@code *}) and v2 ({@code
     * cruds}) scopes.
     */
    boolean permits(String resourceType, boolean write) {
      for (String scope : scopes) {
        Matcher m = SCOPE.matcher(scope);
        if (!m.matches()) {
          continue;
        }
        boolean type =
            resourceType == null || m.group(1).equals("*") || m.group(1).equals(resourceType);
        boolean access =
            switch (m.group(2)) {
              case "*" -> true;
              case "read" -> !write;
              case "write" -> write;
              default -> m.group(2).matches(write ? ".*[cud].*" : ".*[rs].*");
            };
        if (type && access) {
          return true;
        }
      }
      return false;
    }
  }

  /** A token request refused: the OAuth error code (RFC 6749 5.2) and what was wrong. */
  public static final class Refusal extends Exception {
    private final String error;

    public Refusal(String error, String description) {
      super(description);
      this.error = error;
    }

    public String error() {
      return error;
    }
  }

  /** A token request's client assertion, parsed, not yet verified. */
  public record ClientAssertion(SignedJWT jwt, JWTClaimsSet claims) {}

  /**
   * The client assertion of a token request's form, after the checks every SMART token endpoint
   * makes first: the client-credentials grant, the JWT-bearer assertion type, an assertion that
   * parses as a signed JWT.
   */
  public static ClientAssertion clientAssertion(Map<String, String> form) throws Refusal {
    if (!"client_credentials".equals(form.get("grant_type"))) {
      throw new Refusal("unsupported_grant_type", "grant_type must be client_credentials");
    }
    if (!JWT_BEARER.equals(form.get("client_assertion_type"))) {
      throw new Refusal("invalid_request", "client_assertion_type must be " + JWT_BEARER);
    }
    String assertion = form.get("client_assertion");
    if (assertion == null || assertion.isBlank()) {
      throw new Refusal("invalid_request", "client_assertion is missing");
    }
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      return new ClientAssertion(jwt, jwt.getJWTClaimsSet());
    } catch (ParseException e) {
      throw new Refusal("invalid_client", "client_assertion is not a signed JWT");
    }
  }

  private final String clientId;
  private final JWKSet keys;
  private final Duration tokenLife;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Grant> issued = new ConcurrentHashMap<>();
  private final Map<String, Instant> seenJtis = new ConcurrentHashMap<>();

  SmartAuthorization(String clientId, JWKSet keys, Duration tokenLife, Clock clock) {
    this.clientId = clientId;
    this.keys = keys;
    this.tokenLife = tokenLife;
    this.clock = clock;
  }

  /**
   * The authorization for one registered client.
   *
   * @param jwks the client's public keys: a JWK Set file, or an http(s) URL serving one (as Epic
   *     can fetch it)
   * @throws ConfigException when the keys cannot be read or hold no RSA or EC public key
   */
  public static SmartAuthorization forClient(String clientId, String jwks, Duration tokenLife) {
    JWKSet keys;
    try {
      keys =
          jwks.startsWith("http://") || jwks.startsWith("https://")
              ? JWKSet.load(URI.create(jwks).toURL(), 5_000, 5_000, 1_000_000)
              : JWKSet.parse(Files.readString(Path.of(jwks)));
    } catch (IOException | ParseException | IllegalArgumentException e) {
      throw new ConfigException(
          "Cannot read the client's JWK Set from " + jwks + ": " + e.getMessage());
    }
    JWKSet publicKeys = keys.toPublicJWKSet();
    if (publicKeys.getKeys().stream().noneMatch(k -> k instanceof RSAKey || k instanceof ECKey)) {
      throw new ConfigException(
          "The JWK Set " + jwks + " holds no RSA or EC public key (make one with `jwks`)");
    }
    return new SmartAuthorization(clientId, publicKeys, tokenLife, Clock.systemUTC());
  }

  /** The registered client id. */
  public String clientId() {
    return clientId;
  }

  /** The SMART configuration of a server whose token endpoint is {@code tokenUrl}. */
  Map<String, Object> configuration(String tokenUrl) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("token_endpoint", tokenUrl);
    configuration.put("grant_types_supported", List.of("client_credentials"));
    configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
    configuration.put(
        "token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    configuration.put("scopes_supported", List.of("system/*.read", "system/*.write"));
    configuration.put("capabilities", List.of("client-confidential-asymmetric"));
    return configuration;
  }

  /** The token answer to a token request's form, or the reason it is refused. */
  Map<String, Object> token(Map<String, String> form, String tokenUrl) throws Refusal {
    JWTClaimsSet claims = verified(clientAssertion(form), tokenUrl);
    Set<String> scopes = new LinkedHashSet<>();
    for (String scope : form.getOrDefault("scope", "").trim().split("\\s+")) {
      if (scope.isEmpty()) {
        continue;
      }
      if (!SCOPE.matcher(scope).matches()) {
        throw new Refusal(
            "invalid_scope", "scope '" + scope + "' is no system scope (system/Type.read)");
      }
      scopes.add(scope);
    }
    if (scopes.isEmpty()) {
      throw new Refusal("invalid_scope", "no scope asked for");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    issued.put(
        token, new Grant(claims.getSubject(), Set.copyOf(scopes), clock.instant().plus(tokenLife)));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("token_type", "bearer");
    answer.put("expires_in", tokenLife.toSeconds());
    answer.put("scope", String.join(" ", scopes));
    return answer;
  }

  /** The grant of a valid (issued here, not expired) bearer token in an Authorization header. */
  Optional<Grant> grantOf(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    Grant grant = issued.get(authorization.substring(7).trim());
    return grant != null && clock.instant().isBefore(grant.expiresAt())
        ? Optional.of(grant)
        : Optional.empty();
  }

  private JWTClaimsSet verified(ClientAssertion assertion, String tokenUrl) throws Refusal {
    SignedJWT jwt = assertion.jwt();
    JWTClaimsSet claims = assertion.claims();
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (!JWSAlgorithm.RS384.equals(algorithm) && !JWSAlgorithm.ES384.equals(algorithm)) {
      throw new Refusal(
          "invalid_client",
          "the assertion is signed with " + algorithm + "; RS384 or ES384 expected");
    }
    String kid = jwt.getHeader().getKeyID();
    List<JWK> candidates =
        keys.getKeys().stream()
            .filter(k -> kid == null || kid.equals(k.getKeyID()))
            .filter(
                k ->
                    JWSAlgorithm.RS384.equals(algorithm) ? k instanceof RSAKey : k instanceof ECKey)
            .toList();
    if (candidates.isEmpty()) {
      throw new Refusal(
          "invalid_client",
          "no registered key has kid "
              + kid
              + " for "
              + algorithm
              + " (register the JWK Set that `jwks` prints for the key the adapter signs with)");
    }
    boolean signed = false;
    for (JWK key : candidates) {
      try {
        JWSVerifier verifier =
            key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
        signed |= jwt.verify(verifier);
      } catch (JOSEException e) {
        // A key that cannot verify this signature is not the one.
      }
    }
    if (!signed) {
      throw new Refusal(
          "invalid_client", "the signature does not verify with the registered key " + kid);
    }
    if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
      throw new Refusal("invalid_client", "iss and sub must both be the client id " + clientId);
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(tokenUrl)) {
      throw new Refusal("invalid_client", "aud must be the token endpoint " + tokenUrl);
    }
    Instant now = clock.instant();
    if (claims.getExpirationTime() == null) {
      throw new Refusal("invalid_client", "the assertion has no exp");
    }
    Instant expires = claims.getExpirationTime().toInstant();
    if (!expires.isAfter(now.minus(CLOCK_SKEW))) {
      throw new Refusal(
          "invalid_client", "the assertion has expired (is this machine's clock right?)");
    }
    if (expires.isAfter(now.plus(MAX_ASSERTION_LIFE).plus(CLOCK_SKEW))) {
      throw new Refusal("invalid_client", "exp is more than 5 minutes away");
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isBlank()) {
      throw new Refusal("invalid_client", "the assertion has no jti");
    }
    seenJtis.values().removeIf(until -> until.isBefore(now.minus(CLOCK_SKEW)));
    if (seenJtis.putIfAbsent(jti, expires) != null) {
      throw new Refusal("invalid_client", "jti was used before: every assertion needs a new one");
    }
    return claims;
  }
}
