package org.llmfhiradapter.source.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.llmfhiradapter.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the private key a SMART backend client signs with, from the file formats people actually
 * have:
 *
 * <ul>
 *   <li>PEM {@code BEGIN PRIVATE KEY} (PKCS#8, RSA or EC: what {@code openssl genpkey} writes);
 *   <li>PEM {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC PRIVATE KEY} (SEC1, as
 *       {@code openssl ecparam -genkey} writes, parameters block allowed);
 *   <li>the same encrypted with a passphrase ({@code BEGIN ENCRYPTED PRIVATE KEY}, or OpenSSL's
 *       traditional {@code Proc-Type: 4,ENCRYPTED}), given by env {@code
 *       LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD} or a file;
 *   <li>a JWK or a JWK Set (JSON) holding a private key: the one whose {@code kid} is the
 *       configured key id, else the only private key in the file.
 * </ul>
 *
 * <p>The key is checked against the algorithm (RS384: RSA of 2048 bits or more; ES384: EC on
 * P-384); without one configured, the key names it (an RSA key signs RS384, an EC key ES384: each
 * type fits exactly one of the two). A public key found beside it must belong to it, because that
 * is the key that gets published. Every failure is a {@link ConfigException} of one line naming the
 * file and the problem, never the file's content. PEM is read by BouncyCastle's {@code PEMParser};
 * the keys are handed to the JDK's own providers.
 */
public final class PrivateKeys {

  private static final Logger log = LoggerFactory.getLogger(PrivateKeys.class);

  private static final String WHAT_SIGNS =
      "SMART clients sign with RS384 (an RSA key of 2048 bits or more) or ES384 (an EC key on P-384)";

  /** Key files are a few kB; anything much larger is the wrong file. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /**
   * What a file yields before the checks: the private key, its public key if the file has it, the
   * JWK kid, and the algorithm a JWK is marked with ({@code alg}; null when unmarked or PEM).
   */
  private record Loaded(
      PrivateKey privateKey, PublicKey publicKey, String kid, SigningAlgorithm marked) {

    Loaded(PrivateKey privateKey, PublicKey publicKey, String kid) {
      this(privateKey, publicKey, kid, null);
    }
  }

  private PrivateKeys() {}

  /**
   * Loads and checks the key.
   *
   * @param file PEM or JWK/JWKS file
   * @param algorithm the algorithm the key will sign with; null: the key's own (a JWK's {@code
   *     alg}, else RS384 for an RSA key and ES384 for an EC key)
   * @param keyId the kid of the published key (picks the key in a JWK Set and goes in the JWT
   *     header); empty: the JWK's own kid, else the RFC 7638 thumbprint of the public key
   * @throws ConfigException naming the file and what is wrong with it
   */
  public static SigningKey load(Path file, SigningAlgorithm algorithm, String keyId) {
    return load(file, algorithm, keyId, KeyPassword.NONE);
  }

  /**
   * Loads and checks a key that may be encrypted.
   *
   * @param password decrypts an encrypted PEM key; {@link KeyPassword#NONE}: the key must be
   *     unencrypted
   */
  public static SigningKey load(
      Path file, SigningAlgorithm algorithm, String keyId, KeyPassword password) {
    String wantedKid = keyId == null ? "" : keyId.trim();
    String text = read(file).strip();
    Loaded loaded;
    if (text.startsWith("{")) {
      loaded = fromJwk(file, text, wantedKid, algorithm);
    } else if (text.contains("-----BEGIN ")) {
      loaded = fromPem(file, text, password);
    } else {
      throw problem(file, "is neither a PEM private key nor a JWK / JWK Set (JSON)");
    }
    boolean marked = algorithm == null && loaded.marked() != null;
    if (algorithm == null) {
      algorithm = marked ? loaded.marked() : algorithmOf(file, loaded.privateKey());
    }
    checkFitsAlgorithm(file, loaded.privateKey(), algorithm, marked);
    if (loaded.publicKey() != null) {
      checkPair(file, loaded.privateKey(), loaded.publicKey(), algorithm);
    }
    JWK publicJwk =
        loaded.publicKey() == null ? null : publicJwk(loaded.publicKey(), algorithm, null);
    String kid;
    if (!wantedKid.isEmpty()) {
      kid = wantedKid;
    } else if (loaded.kid() != null) {
      kid = loaded.kid();
    } else {
      kid = publicJwk == null ? null : thumbprint(publicJwk);
    }
    if (publicJwk != null) {
      publicJwk = publicJwk(loaded.publicKey(), algorithm, kid);
    }
    warnIfOthersCanRead(file);
    return new SigningKey(algorithm, loaded.privateKey(), kid, publicJwk);
  }

  // --- reading
  // ------------------------------------------------------------------------------------------------

  private static String read(Path file) {
    if (Files.isDirectory(file)) {
      throw problem(file, "is a folder, not a key file");
    }
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw problem(file, "is larger than 1 MB, too large for a key file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw problem(file, "does not exist");
    } catch (AccessDeniedException e) {
      throw problem(file, "cannot be read (permission denied)");
    } catch (IOException e) {
      throw problem(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw problem(
          file,
          "is not text: give a PEM or JWK file (a binary DER key converts with: openssl pkey -inform DER -in F -out key.pem)");
    }
  }

  // --- PEM
  // ----------------------------------------------------------------------------------------------------

  private static Loaded fromPem(Path file, String text, KeyPassword password) {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object object = next(parser, file); object != null; object = next(parser, file)) {
        if (object instanceof PrivateKeyInfo info) {
          return fromPrivateKeyInfo(file, info, null);
        }
        if (object instanceof PEMKeyPair pair) {
          return fromPrivateKeyInfo(file, pair.getPrivateKeyInfo(), pair.getPublicKeyInfo());
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          return fromPrivateKeyInfo(file, decrypt(file, encrypted, password), null);
        }
        if (object instanceof PEMEncryptedKeyPair encrypted) {
          PEMKeyPair pair = decrypt(file, encrypted, password);
          return fromPrivateKeyInfo(file, pair.getPrivateKeyInfo(), pair.getPublicKeyInfo());
        }
        // EC PARAMETERS precede the key in `openssl ecparam -genkey` output; others are reported
        // below.
      }
    } catch (IOException e) {
      // Closing a StringReader: nothing can fail.
    }
    List<String> labels = new ArrayList<>();
    for (Matcher block = PEM_BLOCK.matcher(text); block.find(); ) {
      labels.add(block.group(1));
    }
    if (labels.isEmpty()) {
      throw problem(file, "has a BEGIN line but no complete PEM block");
    }
    throw problem(
        file,
        "holds "
            + String.join(", ", labels)
            + " but no private key (the private key is the file with BEGIN PRIVATE KEY)");
  }

  private static Object next(PEMParser parser, Path file) {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      // BouncyCastle's message may quote the block, and the block is the secret: only say what
      // failed.
      throw problem(
          file, "has a PEM block that is not a valid key (damaged, cut short, or not base64)");
    }
  }

  private static PrivateKeyInfo decrypt(
      Path file, PKCS8EncryptedPrivateKeyInfo encrypted, KeyPassword password) {
    char[] secret = requirePassword(file, password);
    try {
      return encrypted.decryptPrivateKeyInfo(
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bouncyCastle()).build(secret));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw wrongPassword(file, password);
    }
  }

  private static PEMKeyPair decrypt(
      Path file, PEMEncryptedKeyPair encrypted, KeyPassword password) {
    char[] secret = requirePassword(file, password);
    try {
      return encrypted.decryptKeyPair(
          new JcePEMDecryptorProviderBuilder().setProvider(bouncyCastle()).build(secret));
    } catch (IOException | RuntimeException e) {
      throw wrongPassword(file, password);
    }
  }

  /**
   * A provider of our own for the decryption ciphers, not registered: the rest of the process keeps
   * the JDK's.
   */
  private static java.security.Provider bouncyCastle() {
    return new BouncyCastleProvider();
  }

  private static char[] requirePassword(Path file, KeyPassword password) {
    if (password.isEmpty()) {
      throw problem(
          file,
          "is encrypted with a passphrase: give it by "
              + password.howToGive()
              + ", or decrypt the key (openssl pkey"
              + " -in F -out key.pem), kept readable by its owner only");
    }
    return password.value();
  }

  private static ConfigException wrongPassword(Path file, KeyPassword password) {
    return problem(
        file,
        "could not be decrypted with the passphrase from "
            + password.source()
            + " (a wrong passphrase?)");
  }

  /**
   * The key from PKCS#8 (the public key from beside it, or from inside: OpenSSL keeps an EC key's
   * public point in it), handed to the JDK's providers, which sign for Nimbus.
   */
  private static Loaded fromPrivateKeyInfo(
      Path file, PrivateKeyInfo info, SubjectPublicKeyInfo publicInfo) {
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    String keyAlgorithm;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm.getAlgorithm())) {
      keyAlgorithm = "RSA";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
      keyAlgorithm = "EC";
      if (algorithm.getParameters() == null) {
        throw problem(
            file,
            "has an EC private key without its curve; convert it with: openssl pkcs8 -topk8 -nocrypt -in F -out key.pem");
      }
    } else {
      throw problem(
          file, "holds a key that is neither RSA nor EC (RS384 needs RSA, ES384 needs EC P-384)");
    }
    PrivateKey privateKey;
    try {
      privateKey =
          KeyFactory.getInstance(keyAlgorithm)
              .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      // The provider's message is not shown: it is about the bytes, and the bytes are the secret.
      throw problem(file, "holds an " + keyAlgorithm + " private key the JDK cannot read");
    }
    PublicKey publicKey = null;
    if (privateKey instanceof RSAPrivateCrtKey rsa) {
      publicKey = rsaPublic(rsa);
    } else if (privateKey instanceof ECPrivateKey) {
      SubjectPublicKeyInfo spki = publicInfo != null ? publicInfo : ecPublicInside(info);
      publicKey = spki == null ? null : publicKey(keyAlgorithm, spki);
    }
    return new Loaded(privateKey, publicKey, null);
  }

  private static PublicKey rsaPublic(RSAPrivateCrtKey key) {
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /**
   * The public point OpenSSL stores in the key (PKCS#8 v2's publicKey, or SEC1's [1]), or null: the
   * JDK cannot derive it from the private scalar, and without it the key still signs; only
   * publishing its JWK needs it.
   */
  private static SubjectPublicKeyInfo ecPublicInside(PrivateKeyInfo info) {
    try {
      ASN1BitString point =
          info.hasPublicKey()
              ? info.getPublicKeyData()
              : org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey())
                  .getPublicKey();
      return point == null
          ? null
          : new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), point.getBytes());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static PublicKey publicKey(String keyAlgorithm, SubjectPublicKeyInfo spki) {
    try {
      return KeyFactory.getInstance(keyAlgorithm)
          .generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      return null;
    }
  }

  // --- JWK
  // ----------------------------------------------------------------------------------------------------

  private static Loaded fromJwk(
      Path file, String json, String wantedKid, SigningAlgorithm algorithm) {
    List<JWK> keys;
    try {
      Map<String, Object> object = JSONObjectUtils.parse(json);
      keys =
          object.containsKey("keys") ? JWKSet.parse(object).getKeys() : List.of(JWK.parse(object));
    } catch (java.text.ParseException e) {
      // Nimbus' message may quote the JSON, which holds the private key: only say what was
      // expected.
      throw problem(file, "is JSON but not a valid JWK or JWK Set");
    }
    List<JWK> privateKeys = keys.stream().filter(JWK::isPrivate).toList();
    if (privateKeys.isEmpty()) {
      throw problem(
          file, "holds public keys only; the adapter needs the private key (the JWK with \"d\")");
    }
    JWK jwk = pick(file, privateKeys, wantedKid);
    SigningAlgorithm marked = null;
    if (jwk.getAlgorithm() != null) {
      String alg = jwk.getAlgorithm().getName();
      if (algorithm != null && !alg.equals(algorithm.name())) {
        throw problem(
            file,
            "holds a key marked \"alg\": \""
                + alg
                + "\", but "
                + AuthConfig.ALGORITHM
                + " is "
                + algorithm);
      }
      marked =
          SigningAlgorithm.parse(alg)
              .orElseThrow(
                  () ->
                      problem(
                          file,
                          "holds a key marked \"alg\": \""
                              + alg
                              + "\"; SMART clients sign with RS384 or ES384"));
    }
    try {
      if (jwk instanceof RSAKey rsa) {
        return new Loaded(rsa.toRSAPrivateKey(), rsa.toRSAPublicKey(), jwk.getKeyID(), marked);
      }
      if (jwk instanceof ECKey ec) {
        return new Loaded(ec.toECPrivateKey(), ec.toECPublicKey(), jwk.getKeyID(), marked);
      }
    } catch (JOSEException e) {
      throw problem(file, "holds a " + jwk.getKeyType() + " JWK the JDK cannot turn into a key");
    }
    throw problem(file, "holds a " + jwk.getKeyType() + " key; " + WHAT_SIGNS);
  }

  private static JWK pick(Path file, List<JWK> privateKeys, String wantedKid) {
    String kids =
        privateKeys.stream()
            .map(k -> k.getKeyID() == null ? "(no kid)" : k.getKeyID())
            .collect(Collectors.joining(", "));
    if (!wantedKid.isEmpty()) {
      List<JWK> matching =
          privateKeys.stream().filter(k -> wantedKid.equals(k.getKeyID())).toList();
      if (matching.size() == 1) {
        return matching.get(0);
      }
      // A lone key without a kid is taken to be the one published under the configured kid.
      if (matching.isEmpty() && privateKeys.size() == 1 && privateKeys.get(0).getKeyID() == null) {
        return privateKeys.get(0);
      }
      throw problem(
          file,
          "has "
              + (matching.isEmpty() ? "no" : matching.size())
              + " private keys with kid '"
              + wantedKid
              + "' (kids: "
              + kids
              + "); check "
              + AuthConfig.KEY_ID);
    }
    if (privateKeys.size() == 1) {
      return privateKeys.get(0);
    }
    throw problem(
        file,
        "holds "
            + privateKeys.size()
            + " private keys; set "
            + AuthConfig.KEY_ID
            + " to pick one (kids: "
            + kids
            + ")");
  }

  // --- checks
  // -------------------------------------------------------------------------------------------------

  /** The algorithm a key signs with when none is configured: the one its type fits. */
  private static SigningAlgorithm algorithmOf(Path file, PrivateKey key) {
    String type = keyType(key);
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      if (algorithm.keyType().equals(type)) {
        return algorithm;
      }
    }
    throw problem(file, "holds a " + type + " key; " + WHAT_SIGNS);
  }

  private static String keyType(PrivateKey key) {
    return key instanceof RSAPrivateKey
        ? "RSA"
        : key instanceof ECPrivateKey ? "EC" : key.getAlgorithm();
  }

  /**
   * @param marked the algorithm is the JWK's own {@code alg}, not a setting: the JWK is what is
   *     wrong then
   */
  private static void checkFitsAlgorithm(
      Path file, PrivateKey key, SigningAlgorithm algorithm, boolean marked) {
    String type = keyType(key);
    if (!type.equals(algorithm.keyType())) {
      if (marked) {
        throw problem(
            file,
            "holds an "
                + type
                + " key marked \"alg\": \""
                + algorithm
                + "\", which needs "
                + describeNeed(algorithm)
                + ": correct the JWK's alg or remove it");
      }
      String hint =
          type.equals("EC")
              ? " (set it to ES384, or leave it empty to follow the key)"
              : type.equals("RSA") ? " (set it to RS384, or leave it empty to follow the key)" : "";
      throw problem(
          file,
          "holds an "
              + type
              + " key, but "
              + AuthConfig.ALGORITHM
              + " is "
              + algorithm
              + ", which needs "
              + describeNeed(algorithm)
              + hint);
    }
    if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < 2048) {
      throw problem(
          file,
          "holds a "
              + rsa.getModulus().bitLength()
              + "-bit RSA key; RS384 needs 2048 bits or more");
    }
    if (key instanceof ECPrivateKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (!Curve.P_384.equals(curve)) {
        throw problem(
            file,
            "holds an EC key on "
                + (curve == null ? "an unknown curve" : curve.getName())
                + "; ES384 needs P-384");
      }
    }
  }

  private static String describeNeed(SigningAlgorithm algorithm) {
    return algorithm == SigningAlgorithm.RS384
        ? "an RSA key of 2048 bits or more"
        : "an EC key on P-384";
  }

  /**
   * Signs and verifies a fixed message: the public key we would publish must be this private key's.
   */
  private static void checkPair(
      Path file, PrivateKey privateKey, PublicKey publicKey, SigningAlgorithm algorithm) {
    String jca = algorithm == SigningAlgorithm.RS384 ? "SHA384withRSA" : "SHA384withECDSA";
    byte[] message = "llm-fhir-adapter key pair check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(jca);
      signer.initSign(privateKey);
      signer.update(message);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(jca);
      verifier.initVerify(publicKey);
      verifier.update(message);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw problem(file, "holds a public key that does not belong to its private key");
    }
  }

  private static JWK publicJwk(PublicKey publicKey, SigningAlgorithm algorithm, String kid) {
    if (publicKey instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa)
          .keyID(kid)
          .algorithm(algorithm.jws())
          .keyUse(KeyUse.SIGNATURE)
          .build();
    }
    return new ECKey.Builder(Curve.P_384, (ECPublicKey) publicKey)
        .keyID(kid)
        .algorithm(algorithm.jws())
        .keyUse(KeyUse.SIGNATURE)
        .build();
  }

  /** RFC 7638 SHA-256 thumbprint: a kid that anyone holding the public key can recompute. */
  private static String thumbprint(JWK publicJwk) {
    try {
      return publicJwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      return null;
    }
  }

  private static void warnIfOthersCanRead(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.GROUP_READ)
          || permissions.contains(PosixFilePermission.OTHERS_READ)) {
        log.warn(
            "Private key file {} is readable by other users; restrict it with: chmod 600 {}",
            file,
            file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }

  private static ConfigException problem(Path file, String what) {
    return new ConfigException("Private key file " + Objects.toString(file) + " " + what);
  }
}
