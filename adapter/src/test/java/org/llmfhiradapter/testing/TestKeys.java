package org.llmfhiradapter.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key pairs made at test time (never committed), cached per JVM because RSA generation is slow on 2
 * cores, and written to files in the formats the adapter reads.
 */
public final class TestKeys {

  private static final Map<String, JWK> CACHE = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** An RSA key pair of {@code bits}, named {@code name} (different names give different keys). */
  public static RSAKey rsa(String name, int bits) {
    return (RSAKey)
        CACHE.computeIfAbsent(
            "rsa-" + bits + "-" + name,
            k -> generate(() -> new RSAKeyGenerator(bits, true).generate()));
  }

  /** An EC key pair on {@code curve}, named {@code name}. */
  public static ECKey ec(String name, Curve curve) {
    return (ECKey)
        CACHE.computeIfAbsent(
            "ec-" + curve + "-" + name, k -> generate(() -> new ECKeyGenerator(curve).generate()));
  }

  public static RSAKey rsa() {
    return rsa("default", 2048);
  }

  public static ECKey ecP384() {
    return ec("default", Curve.P_384);
  }

  /**
   * PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) as the JDK encodes it (EC keys without their public
   * point).
   */
  public static String pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static final Map<String, java.security.KeyPair> BC_PAIRS = new ConcurrentHashMap<>();

  /**
   * An EC P-384 pair made by BouncyCastle's generator: its encodings keep the curve and the public
   * point inside the private key, as OpenSSL writes them (the JDK's PKCS#8 leaves the point out).
   */
  public static java.security.KeyPair bouncyCastleEcP384(String name) {
    return BC_PAIRS.computeIfAbsent(
        name,
        k -> {
          try {
            java.security.KeyPairGenerator generator =
                java.security.KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
            return generator.generateKeyPair();
          } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** The public JWK of a pair. */
  public static ECKey publicJwk(java.security.KeyPair ec) {
    return new ECKey.Builder(Curve.P_384, (java.security.interfaces.ECPublicKey) ec.getPublic())
        .build();
  }

  /** RSA as a pair. */
  public static java.security.KeyPair pair(RSAKey rsa) {
    try {
      return new java.security.KeyPair(rsa.toPublicKey(), rsa.toPrivateKey());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The pair as OpenSSL's traditional PEM, written by BouncyCastle: {@code BEGIN RSA PRIVATE KEY}
   * (PKCS#1) or {@code BEGIN EC PRIVATE KEY} (SEC1); encrypted with {@code passphrase} when given
   * ({@code Proc-Type: 4,ENCRYPTED}, AES-256-CBC).
   */
  public static String traditionalPem(java.security.KeyPair pair, String passphrase) {
    try {
      java.io.StringWriter out = new java.io.StringWriter();
      try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer =
          new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
        if (passphrase == null) {
          writer.writeObject(pair);
        } else {
          writer.writeObject(
              pair,
              new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-256-CBC")
                  .setProvider(BC)
                  .build(passphrase.toCharArray()));
        }
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * PKCS#8 encrypted with {@code passphrase} (PBES2, AES-256-CBC), as {@code openssl pkcs8 -topk8}
   * writes it.
   */
  public static String encryptedPkcs8Pem(PrivateKey key, String passphrase) {
    try {
      java.io.StringWriter out = new java.io.StringWriter();
      try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer =
          new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
        writer.writeObject(
            new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                key,
                new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                        org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                    .setProvider(BC)
                    .setPassword(passphrase.toCharArray())
                    .build()));
      }
      return out.toString();
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final java.security.Provider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  /** Writes a key file readable by its owner only, as key files should be. */
  public static Path write(Path file, String content) {
    try {
      Files.writeString(file, content);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not POSIX: nothing to restrict.
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PrivateKey privateKey(JWK jwk) {
    try {
      return jwk instanceof RSAKey rsa ? rsa.toPrivateKey() : ((ECKey) jwk).toPrivateKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Generator {
    JWK generate() throws JOSEException;
  }

  private static JWK generate(Generator generator) {
    try {
      return generator.generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
