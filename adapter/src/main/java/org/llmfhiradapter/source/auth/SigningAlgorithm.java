package org.llmfhiradapter.source.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The JWS algorithms SMART Backend Services requires servers to support for client assertions:
 * RS384 (RSA, 2048 bits or more) and ES384 (ECDSA on P-384). Epic and Cerner accept both; nothing
 * weaker is offered.
 */
public enum SigningAlgorithm {
  RS384(JWSAlgorithm.RS384, "RSA"),
  ES384(JWSAlgorithm.ES384, "EC");

  private final JWSAlgorithm jws;
  private final String keyType;

  SigningAlgorithm(JWSAlgorithm jws, String keyType) {
    this.jws = jws;
    this.keyType = keyType;
  }

  public JWSAlgorithm jws() {
    return jws;
  }

  /** The key type it needs, as the JDK names it: RSA or EC. */
  public String keyType() {
    return keyType;
  }

  /** The algorithm named {@code name} (case-insensitive), if it is one of ours. */
  public static Optional<SigningAlgorithm> parse(String name) {
    return Arrays.stream(values())
        .filter(a -> a.name().equals(name.trim().toUpperCase(Locale.ROOT)))
        .findFirst();
  }
}
