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
import java.math.BigInteger;
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
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.llmfhiradapter.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the private key a SMART backend client signs with, from the file formats people actually have:
 *
 * <ul>
 *   <li>PEM {@code BEGIN PRIVATE KEY} (PKCS#8, RSA or EC: what {@code openssl genpkey} writes);
 *   <li>PEM {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC PRIVATE KEY} (SEC1, as {@code openssl
 *       ecparam -genkey} writes, parameters block allowed);
 *   <li>a JWK or a JWK Set (JSON) holding a private key: the one whose {@code kid} is the configured key id,
 *       else the only private key in the file.
 * </ul>
 *
 * <p>The key is checked against the algorithm (RS384: RSA of 2048 bits or more; ES384: EC on P-384), and a
 * public key found beside it must belong to it, because that is the key that gets published. Every failure is a
 * {@link ConfigException} of one line naming the file and the problem, never the file's content; encrypted keys
 * are refused with the command that decrypts them.
 */
public final class PrivateKeys {

  private static final Logger log = LoggerFactory.getLogger(PrivateKeys.class);

  /** Key files are a few kB; anything much larger is the wrong file. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** What a file yields before the checks: the private key, its public key if the file has it, the JWK kid. */
  private record Loaded(PrivateKey privateKey, PublicKey publicKey, String kid) {}

  private PrivateKeys() {}

  /**
   * Loads and checks the key.
   *
   * @param file PEM or JWK/JWKS file
   * @param algorithm the algorithm the key will sign with
   * @param keyId the kid of the published key (picks the key in a JWK Set and goes in the JWT header); empty:
   *     the JWK's own kid, else the RFC 7638 thumbprint of the public key
   * @throws ConfigException naming the file and what is wrong with it
   */
  public static SigningKey load(Path file, SigningAlgorithm algorithm, String keyId) {
    String wantedKid = keyId == null ? "" : keyId.trim();
    String text = read(file).strip();
    Loaded loaded;
    if (text.startsWith("{")) {
      loaded = fromJwk(file, text, wantedKid, algorithm);
    } else if (text.contains("-----BEGIN ")) {
      loaded = fromPem(file, text);
    } else {
      throw problem(file, "is neither a PEM private key nor a JWK / JWK Set (JSON)");
    }
    checkFitsAlgorithm(file, loaded.privateKey(), algorithm);
    if (loaded.publicKey() != null) {
      checkPair(file, loaded.privateKey(), loaded.publicKey(), algorithm);
    }
    JWK publicJwk = loaded.publicKey() == null ? null : publicJwk(loaded.publicKey(), algorithm, null);
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

  // --- reading ------------------------------------------------------------------------------------------------

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
          file, "is not text: give a PEM or JWK file (a binary DER key converts with: openssl pkey -inform DER -in F -out key.pem)");
    }
  }

  // --- PEM ----------------------------------------------------------------------------------------------------

  private static Loaded fromPem(Path file, String text) {
    List<String> labels = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(text);
    while (block.find()) {
      String label = block.group(1);
      String body = block.group(2);
      labels.add(label);
      switch (label) {
        case "PRIVATE KEY":
          return fromPkcs8(file, base64(file, body));
        case "RSA PRIVATE KEY":
          refuseEncryptedPem(file, body);
          return fromPkcs8(file, Der.pkcs8(Der.RSA_ENCRYPTION, Der.encode(Der.NULL), base64(file, body)));
        case "EC PRIVATE KEY":
          refuseEncryptedPem(file, body);
          return fromPkcs8(file, sec1ToPkcs8(file, base64(file, body)));
        case "ENCRYPTED PRIVATE KEY":
          throw encrypted(file);
        default:
          // EC PARAMETERS precede the key in `openssl ecparam -genkey` output; others are reported below.
      }
    }
    if (labels.isEmpty()) {
      throw problem(file, "has a BEGIN line but no complete PEM block");
    }
    throw problem(
        file,
        "holds " + String.join(", ", labels) + " but no private key (the private key is the file with BEGIN PRIVATE KEY)");
  }

  private static void refuseEncryptedPem(Path file, String body) {
    if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
      throw encrypted(file);
    }
  }

  private static ConfigException encrypted(Path file) {
    return problem(
        file,
        "is encrypted with a passphrase; the adapter needs it unencrypted (openssl pkey -in F -out key.pem), kept readable"
            + " by its owner only");
  }

  private static byte[] base64(Path file, String body) {
    try {
      return Base64.getMimeDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw problem(file, "has a PEM block that is not valid base64");
    }
  }

  /** SEC1 ECPrivateKey → PKCS#8, taking the curve from its [0] parameters. */
  private static byte[] sec1ToPkcs8(Path file, byte[] sec1) {
    try {
      Der.Element key = Der.parse(sec1);
      if (key.tag() != Der.SEQUENCE) {
        throw problem(file, "has an EC PRIVATE KEY block that is not a SEC1 key");
      }
      for (Der.Element part : Der.elements(key.content())) {
        if (part.tag() == Der.CONTEXT_0) {
          return Der.pkcs8(Der.EC_PUBLIC_KEY, part.content(), sec1);
        }
      }
      throw problem(
          file,
          "has an EC PRIVATE KEY without its curve; convert it with: openssl pkcs8 -topk8 -nocrypt -in F -out key.pem");
    } catch (Der.MalformedException e) {
      throw problem(file, "has an EC PRIVATE KEY block that is not valid DER");
    }
  }

  private static Loaded fromPkcs8(Path file, byte[] pkcs8) {
    String keyAlgorithm;
    byte[] innerKey;
    try {
      Der.Element info = Der.parse(pkcs8);
      List<Der.Element> parts = info.tag() == Der.SEQUENCE ? Der.elements(info.content()) : List.of();
      if (parts.size() < 3 || parts.get(1).tag() != Der.SEQUENCE || parts.get(2).tag() != Der.OCTET_STRING) {
        throw problem(file, "has a PRIVATE KEY block that is not PKCS#8");
      }
      List<Der.Element> algorithmId = Der.elements(parts.get(1).content());
      byte[] oid = algorithmId.isEmpty() ? new byte[0] : algorithmId.get(0).content();
      if (Arrays.equals(oid, Der.RSA_ENCRYPTION)) {
        keyAlgorithm = "RSA";
      } else if (Arrays.equals(oid, Der.EC_PUBLIC_KEY)) {
        keyAlgorithm = "EC";
      } else {
        throw problem(file, "holds a key that is neither RSA nor EC (RS384 needs RSA, ES384 needs EC P-384)");
      }
      innerKey = parts.get(2).content();
    } catch (Der.MalformedException e) {
      throw problem(file, "has a PRIVATE KEY block that is not valid DER");
    }
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      // The provider's message is not shown: it is about the bytes, and the bytes are the secret.
      throw problem(file, "holds an " + keyAlgorithm + " private key the JDK cannot read");
    }
    PublicKey publicKey = null;
    if (privateKey instanceof RSAPrivateCrtKey rsa) {
      publicKey = rsaPublic(rsa);
    } else if (privateKey instanceof ECPrivateKey ec) {
      publicKey = ecPublicInSec1(innerKey, ec);
    }
    return new Loaded(privateKey, publicKey, null);
  }

  private static PublicKey rsaPublic(RSAPrivateCrtKey key) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /**
   * The public point OpenSSL stores in the SEC1 key's [1] field, or null: the JDK cannot derive it from the
   * private scalar, and without it the key still signs; only publishing its JWK needs it.
   */
  private static PublicKey ecPublicInSec1(byte[] sec1, ECPrivateKey privateKey) {
    try {
      for (Der.Element part : Der.elements(Der.parse(sec1).content())) {
        if (part.tag() != Der.CONTEXT_1) {
          continue;
        }
        Der.Element bits = Der.parse(part.content());
        byte[] point = bits.content();
        // BIT STRING: one octet of unused bits (0), then the uncompressed point 04 || X || Y.
        if (bits.tag() != Der.BIT_STRING || point.length < 3 || point[0] != 0 || point[1] != 4 || (point.length - 2) % 2 != 0) {
          return null;
        }
        int size = (point.length - 2) / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 2, 2 + size));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 2 + size, point.length));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), privateKey.getParams()));
      }
    } catch (Der.MalformedException | GeneralSecurityException e) {
      return null;
    }
    return null;
  }

  // --- JWK ----------------------------------------------------------------------------------------------------

  private static Loaded fromJwk(Path file, String json, String wantedKid, SigningAlgorithm algorithm) {
    List<JWK> keys;
    try {
      Map<String, Object> object = JSONObjectUtils.parse(json);
      keys = object.containsKey("keys") ? JWKSet.parse(object).getKeys() : List.of(JWK.parse(object));
    } catch (java.text.ParseException e) {
      // Nimbus' message may quote the JSON, which holds the private key: only say what was expected.
      throw problem(file, "is JSON but not a valid JWK or JWK Set");
    }
    List<JWK> privateKeys = keys.stream().filter(JWK::isPrivate).toList();
    if (privateKeys.isEmpty()) {
      throw problem(file, "holds public keys only; the adapter needs the private key (the JWK with \"d\")");
    }
    JWK jwk = pick(file, privateKeys, wantedKid);
    if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(algorithm.name())) {
      throw problem(
          file,
          "holds a key marked \"alg\": \"" + jwk.getAlgorithm().getName() + "\", but " + AuthConfig.ALGORITHM + " is "
              + algorithm);
    }
    try {
      if (jwk instanceof RSAKey rsa) {
        return new Loaded(rsa.toRSAPrivateKey(), rsa.toRSAPublicKey(), jwk.getKeyID());
      }
      if (jwk instanceof ECKey ec) {
        return new Loaded(ec.toECPrivateKey(), ec.toECPublicKey(), jwk.getKeyID());
      }
    } catch (JOSEException e) {
      throw problem(file, "holds a " + jwk.getKeyType() + " JWK the JDK cannot turn into a key");
    }
    throw problem(
        file, "holds a " + jwk.getKeyType() + " key; " + algorithm + " needs " + describeNeed(algorithm));
  }

  private static JWK pick(Path file, List<JWK> privateKeys, String wantedKid) {
    String kids =
        privateKeys.stream().map(k -> k.getKeyID() == null ? "(no kid)" : k.getKeyID()).collect(Collectors.joining(", "));
    if (!wantedKid.isEmpty()) {
      List<JWK> matching = privateKeys.stream().filter(k -> wantedKid.equals(k.getKeyID())).toList();
      if (matching.size() == 1) {
        return matching.get(0);
      }
      // A lone key without a kid is taken to be the one published under the configured kid.
      if (matching.isEmpty() && privateKeys.size() == 1 && privateKeys.get(0).getKeyID() == null) {
        return privateKeys.get(0);
      }
      throw problem(
          file,
          "has " + (matching.isEmpty() ? "no" : matching.size()) + " private keys with kid '" + wantedKid + "' (kids: "
              + kids + "); check " + AuthConfig.KEY_ID);
    }
    if (privateKeys.size() == 1) {
      return privateKeys.get(0);
    }
    throw problem(
        file, "holds " + privateKeys.size() + " private keys; set " + AuthConfig.KEY_ID + " to pick one (kids: " + kids + ")");
  }

  // --- checks -------------------------------------------------------------------------------------------------

  private static void checkFitsAlgorithm(Path file, PrivateKey key, SigningAlgorithm algorithm) {
    String type = key instanceof RSAPrivateKey ? "RSA" : key instanceof ECPrivateKey ? "EC" : key.getAlgorithm();
    if (!type.equals(algorithm.keyType())) {
      String hint = type.equals("EC") ? " (set it to ES384 for an EC P-384 key)" : type.equals("RSA") ? " (set it to RS384 for an RSA key)" : "";
      throw problem(
          file,
          "holds an " + type + " key, but " + AuthConfig.ALGORITHM + " is " + algorithm + ", which needs "
              + describeNeed(algorithm) + hint);
    }
    if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < 2048) {
      throw problem(
          file, "holds a " + rsa.getModulus().bitLength() + "-bit RSA key; RS384 needs 2048 bits or more");
    }
    if (key instanceof ECPrivateKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (!Curve.P_384.equals(curve)) {
        throw problem(
            file,
            "holds an EC key on " + (curve == null ? "an unknown curve" : curve.getName()) + "; ES384 needs P-384");
      }
    }
  }

  private static String describeNeed(SigningAlgorithm algorithm) {
    return algorithm == SigningAlgorithm.RS384 ? "an RSA key of 2048 bits or more" : "an EC key on P-384";
  }

  /** Signs and verifies a fixed message: the public key we would publish must be this private key's. */
  private static void checkPair(Path file, PrivateKey privateKey, PublicKey publicKey, SigningAlgorithm algorithm) {
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
      return new RSAKey.Builder(rsa).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).build();
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
      if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
        log.warn("Private key file {} is readable by other users; restrict it with: chmod 600 {}", file, file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }

  private static ConfigException problem(Path file, String what) {
    return new ConfigException("Private key file " + Objects.toString(file) + " " + what);
  }
}
