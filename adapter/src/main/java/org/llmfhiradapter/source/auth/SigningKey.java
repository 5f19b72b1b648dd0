package org.llmfhiradapter.source.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.Optional;

/**
 * A private key checked to fit its algorithm (RSA of 2048 bits or more for RS384, EC on P-384 for
 * ES384), with the key id that goes in the assertion's {@code kid} header and, when it can be
 * known, the public key to publish. Not a record, so that the private key can never be printed:
 * {@link #toString()} names the algorithm and key id only. Made by {@link PrivateKeys}.
 */
public final class SigningKey {

  private final SigningAlgorithm algorithm;
  private final PrivateKey privateKey;
  private final String keyId;
  private final JWK publicJwk;

  SigningKey(SigningAlgorithm algorithm, PrivateKey privateKey, String keyId, JWK publicJwk) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.keyId = keyId == null || keyId.isEmpty() ? null : keyId;
    this.publicJwk = publicJwk;
  }

  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  /** The {@code kid} to put in the JWT header, if one is known. */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /**
   * The public key as a JWK with {@code kid}, {@code alg} and {@code use: sig}, ready to publish;
   * empty when the key file does not say (an EC private key saved without its public point).
   */
  public Optional<JWK> publicJwk() {
    return Optional.ofNullable(publicJwk);
  }

  /** The public JWK Set to register with the EHR (never contains private parts). */
  public Optional<JWKSet> publicJwkSet() {
    return publicJwk().map(jwk -> new JWKSet(jwk.toPublicJWK()));
  }

  JWSSigner signer() {
    try {
      return algorithm == SigningAlgorithm.ES384
          ? new ECDSASigner((ECPrivateKey) privateKey)
          : new RSASSASigner(privateKey);
    } catch (JOSEException e) {
      // PrivateKeys has checked type and curve, so this is a programming error; the message has no
      // key material.
      throw new IllegalStateException(
          "Cannot sign with the " + algorithm + " key: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + algorithm + ", kid=" + (keyId == null ? "(none)" : keyId) + "]";
  }
}
