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
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Key pairs made at test time (never committed), cached per JVM because RSA generation is slow on 2 cores,
 * and written to files in the formats the adapter reads.
 */
public final class TestKeys {

  private static final Map<String, JWK> CACHE = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** An RSA key pair of {@code bits}, named {@code name} (different names give different keys). */
  public static RSAKey rsa(String name, int bits) {
    return (RSAKey) CACHE.computeIfAbsent("rsa-" + bits + "-" + name, k -> generate(() -> new RSAKeyGenerator(bits, true).generate()));
  }

  /** An EC key pair on {@code curve}, named {@code name}. */
  public static ECKey ec(String name, Curve curve) {
    return (ECKey) CACHE.computeIfAbsent("ec-" + curve + "-" + name, k -> generate(() -> new ECKeyGenerator(curve).generate()));
  }

  public static RSAKey rsa() {
    return rsa("default", 2048);
  }

  public static ECKey ecP384() {
    return ec("default", Curve.P_384);
  }

  /** PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) as the JDK encodes it (EC keys without their public point). */
  public static String pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

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
