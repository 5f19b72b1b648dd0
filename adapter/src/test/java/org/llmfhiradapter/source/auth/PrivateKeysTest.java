package org.llmfhiradapter.source.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.testing.TestKeys;

class PrivateKeysTest {

  /** The DER of OID secp384r1, 1.3.132.0.34: the whole of an EC PARAMETERS block. */
  private static final byte[] SECP384R1_OID = {0x06, 0x05, 0x2B, (byte) 0x81, 0x04, 0x00, 0x22};

  @TempDir Path dir;

  @Test
  void aPkcs8RsaKeySignsAndYieldsItsPublicJwkWithTheThumbprintAsKid() throws Exception {
    RSAKey key = TestKeys.rsa();
    Path file = file("rsa.pem", TestKeys.pkcs8Pem(key.toPrivateKey()));

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.RS384, "");

    String thumbprint = key.computeThumbprint().toString();
    assertThat(loaded.keyId()).contains(thumbprint);
    JWK published = loaded.publicJwk().orElseThrow();
    assertThat(published.isPrivate()).isFalse();
    assertThat(published.getKeyID()).isEqualTo(thumbprint);
    assertThat(published.getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
    assertThat(published.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
  }

  @Test
  void aPkcs8EcKeyWithItsPublicPointAsOpensslWritesItYieldsThePublicJwk() throws Exception {
    java.security.KeyPair pair = TestKeys.bouncyCastleEcP384("default");
    ECKey key = TestKeys.publicJwk(pair);
    Path file = file("ec.pem", TestKeys.pkcs8Pem(pair.getPrivate()));

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.ES384, "");

    ECKey published = (ECKey) loaded.publicJwk().orElseThrow();
    assertThat(published.getX()).isEqualTo(key.getX());
    assertThat(published.getY()).isEqualTo(key.getY());
    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
  }

  @Test
  void anEcKeyWithoutItsPublicPointStillSignsButHasNothingToPublish() throws Exception {
    ECKey key = TestKeys.ecP384();
    Path file = file("ec.pem", TestKeys.pkcs8Pem(key.toPrivateKey()));

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.ES384, "kid-1");

    assertThat(loaded.publicJwk()).isEmpty();
    assertThat(loaded.keyId()).contains("kid-1");
    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
  }

  @Test
  void aTraditionalRsaPrivateKeyIsRead() throws Exception {
    RSAKey key = TestKeys.rsa();
    Path file = file("rsa.pem", TestKeys.traditionalPem(TestKeys.pair(key), null));
    assertThat(file).content().startsWith("-----BEGIN RSA PRIVATE KEY-----");

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.RS384, "");

    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
    assertThat(loaded.publicJwk().orElseThrow().toRSAKey().getModulus())
        .isEqualTo(key.getModulus());
  }

  @Test
  void aTraditionalEcPrivateKeyAfterItsParametersBlockIsRead() throws Exception {
    java.security.KeyPair pair = TestKeys.bouncyCastleEcP384("default");
    ECKey key = TestKeys.publicJwk(pair);
    // What `openssl ecparam -name secp384r1 -genkey` writes: the curve's OID, then the SEC1 key.
    String parameters = TestKeys.pem("EC PARAMETERS", SECP384R1_OID);
    Path file = file("ec.pem", parameters + TestKeys.traditionalPem(pair, null));
    assertThat(file).content().contains("-----BEGIN EC PRIVATE KEY-----");

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.ES384, "");

    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
    assertThat(loaded.publicJwk()).isPresent();
  }

  @Test
  void aJwkWithItsPrivatePartIsReadWithItsOwnKid() throws Exception {
    RSAKey key = new RSAKey.Builder(TestKeys.rsa()).keyID("epic-2026").build();
    Path file = file("key.jwk", key.toJSONString());

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.RS384, "");

    assertThat(loaded.keyId()).contains("epic-2026");
    assertThat(loaded.publicJwk().orElseThrow().getKeyID()).isEqualTo("epic-2026");
    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
  }

  @Test
  void theConfiguredKeyIdPicksTheKeyInAJwkSet() throws Exception {
    ECKey wanted = new ECKey.Builder(TestKeys.ecP384()).keyID("new").build();
    ECKey other = new ECKey.Builder(TestKeys.ec("other", Curve.P_384)).keyID("old").build();
    Path file = file("keys.json", new JWKSet(List.of(other, wanted)).toString(false));

    SigningKey loaded = PrivateKeys.load(file, SigningAlgorithm.ES384, "new");

    assertThat(signsFor(loaded, wanted.toPublicJWK())).isTrue();
    assertThat(signsFor(loaded, other.toPublicJWK())).isFalse();
  }

  @Test
  void aJwkSetWithTwoPrivateKeysAndNoKeyIdAsksForOne() {
    ECKey a = new ECKey.Builder(TestKeys.ecP384()).keyID("a").build();
    ECKey b = new ECKey.Builder(TestKeys.ec("other", Curve.P_384)).keyID("b").build();
    Path file = file("keys.json", new JWKSet(List.of(a, b)).toString(false));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.ES384, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Private key file "
                + file
                + " holds 2 private keys; set llm.source.auth.key-id to pick one (kids: a, b)");
  }

  @Test
  void aJwkSetOfPublicKeysOnlyIsRefused() {
    Path file = file("public.json", new JWKSet(TestKeys.rsa()).toString(true));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessage(
            "Private key file "
                + file
                + " holds public keys only; the adapter needs the private key (the JWK with \"d\")");
  }

  @Test
  void anEcKeyForRs384IsRefusedWithTheSettingToChangeAndNoKeyMaterial() throws Exception {
    ECKey key = TestKeys.ecP384();
    String pem = TestKeys.pkcs8Pem(key.toPrivateKey());
    Path file = file("ec.pem", pem);

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Private key file "
                + file
                + " holds an EC key, but llm.source.auth.algorithm is RS384, which needs an"
                + " RSA key of 2048 bits or more (set it to ES384, or leave it empty to follow the key)")
        .message()
        .doesNotContain(pem.split("\n")[1])
        .doesNotContain(key.getD().toString());
  }

  @Test
  void anRsaKeyForEs384IsRefused() throws Exception {
    Path file = file("rsa.pem", TestKeys.pkcs8Pem(TestKeys.rsa().toPrivateKey()));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.ES384, ""))
        .hasMessageEndingWith(
            "holds an RSA key, but llm.source.auth.algorithm is ES384, which needs an EC key on P-384"
                + " (set it to RS384, or leave it empty to follow the key)");
  }

  @Test
  void anRsaKeyShorterThan2048BitsIsRefused() throws Exception {
    Path file = file("rsa.pem", TestKeys.pkcs8Pem(TestKeys.rsa("weak", 1024).toPrivateKey()));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessageEndingWith("holds a 1024-bit RSA key; RS384 needs 2048 bits or more");
  }

  @Test
  void aP256KeyIsRefusedForEs384() throws Exception {
    Path file = file("ec.pem", TestKeys.pkcs8Pem(TestKeys.ec("p256", Curve.P_256).toPrivateKey()));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.ES384, ""))
        .hasMessageEndingWith("holds an EC key on P-256; ES384 needs P-384");
  }

  @Test
  void withoutAConfiguredAlgorithmAnRsaKeySignsRs384AndAnEcKeyEs384() throws Exception {
    RSAKey rsa = TestKeys.rsa();
    java.security.KeyPair ecPair = TestKeys.bouncyCastleEcP384("default");
    Path rsaFile = file("rsa.pem", TestKeys.pkcs8Pem(rsa.toPrivateKey()));
    Path ecFile = file("ec.pem", TestKeys.pkcs8Pem(ecPair.getPrivate()));

    SigningKey fromRsa = PrivateKeys.load(rsaFile, null, "");
    SigningKey fromEc = PrivateKeys.load(ecFile, null, "");

    assertThat(fromRsa.algorithm()).isEqualTo(SigningAlgorithm.RS384);
    assertThat(fromRsa.publicJwk().orElseThrow().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
    assertThat(signsFor(fromRsa, rsa.toPublicJWK())).isTrue();
    assertThat(fromEc.algorithm()).isEqualTo(SigningAlgorithm.ES384);
    assertThat(fromEc.publicJwk().orElseThrow().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
    assertThat(signsFor(fromEc, TestKeys.publicJwk(ecPair))).isTrue();
  }

  @Test
  void withoutAConfiguredAlgorithmTheKeysOwnLimitsStillHold() throws Exception {
    Path weak = file("weak.pem", TestKeys.pkcs8Pem(TestKeys.rsa("weak", 1024).toPrivateKey()));
    Path p256 =
        file("p256.pem", TestKeys.pkcs8Pem(TestKeys.ec("p256", Curve.P_256).toPrivateKey()));

    assertThatThrownBy(() -> PrivateKeys.load(weak, null, ""))
        .hasMessageEndingWith("holds a 1024-bit RSA key; RS384 needs 2048 bits or more");
    assertThatThrownBy(() -> PrivateKeys.load(p256, null, ""))
        .hasMessageEndingWith("holds an EC key on P-256; ES384 needs P-384");
  }

  @Test
  void withoutAConfiguredAlgorithmAJwkSignsWithTheAlgorithmItIsMarkedWith() {
    ECKey marked = new ECKey.Builder(TestKeys.ecP384()).algorithm(JWSAlgorithm.ES384).build();
    RSAKey foreign = new RSAKey.Builder(TestKeys.rsa()).algorithm(JWSAlgorithm.RS256).build();
    Path markedFile = file("ec.jwk", marked.toJSONString());
    Path foreignFile = file("rsa.jwk", foreign.toJSONString());

    assertThat(PrivateKeys.load(markedFile, null, "").algorithm())
        .isEqualTo(SigningAlgorithm.ES384);
    assertThatThrownBy(() -> PrivateKeys.load(foreignFile, null, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "holds a key marked \"alg\": \"RS256\"; SMART clients sign with RS384 or ES384");
  }

  @Test
  void aJwkMarkedWithAnAlgorithmItsKeyCannotSignIsTheJwksFaultNotTheSettings() {
    RSAKey broken = new RSAKey.Builder(TestKeys.rsa()).algorithm(JWSAlgorithm.ES384).build();
    Path file = file("rsa.jwk", broken.toJSONString());

    assertThatThrownBy(() -> PrivateKeys.load(file, null, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "holds an RSA key marked \"alg\": \"ES384\", which needs an EC key on P-384: correct"
                + " the JWK's alg or remove it")
        .hasMessageNotContaining("llm.source.auth.algorithm");
  }

  @Test
  void aJwkMarkedForAnotherAlgorithmIsRefused() {
    RSAKey key = new RSAKey.Builder(TestKeys.rsa()).algorithm(JWSAlgorithm.RS256).build();
    Path file = file("key.jwk", key.toJSONString());

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessageEndingWith(
            "holds a key marked \"alg\": \"RS256\", but llm.source.auth.algorithm is RS384");
  }

  @Test
  void aPublicKeyThatIsNotThePrivateKeysOwnIsRefused() {
    ECKey mine = TestKeys.ecP384();
    ECKey someoneElses = TestKeys.ec("other", Curve.P_384);
    ECKey mixed =
        new ECKey.Builder(Curve.P_384, someoneElses.getX(), someoneElses.getY())
            .d(mine.getD())
            .build();
    Path file = file("key.jwk", mixed.toJSONString());

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.ES384, ""))
        .hasMessageEndingWith("holds a public key that does not belong to its private key");
  }

  @Test
  void aMissingFileIsNamedInOneLine() {
    Path file = dir.resolve("nowhere.pem");

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Private key file " + file + " does not exist");
  }

  @Test
  void anEncryptedKeyWithoutItsPassphraseIsRefusedWithTheWaysToGiveItOrDecryptIt()
      throws Exception {
    Path file =
        file("enc.pem", TestKeys.encryptedPkcs8Pem(TestKeys.rsa().toPrivateKey(), "correct horse"));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is encrypted with a passphrase")
        .hasMessageContaining(
            "env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD or setting llm.source.auth.private-key-password-file")
        .hasMessageContaining("openssl pkey -in F -out key.pem");
  }

  @Test
  void anEncryptedPkcs8KeyIsReadWithItsPassphrase() throws Exception {
    RSAKey key = TestKeys.rsa();
    Path file = file("enc.pem", TestKeys.encryptedPkcs8Pem(key.toPrivateKey(), "correct horse"));
    assertThat(file).content().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    SigningKey loaded =
        PrivateKeys.load(file, SigningAlgorithm.RS384, "", password("correct horse"));

    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
    assertThat(loaded.publicJwk().orElseThrow().toRSAKey().getModulus())
        .isEqualTo(key.getModulus());
  }

  @Test
  void anEncryptedTraditionalEcKeyIsReadWithItsPassphrase() throws Exception {
    java.security.KeyPair pair = TestKeys.bouncyCastleEcP384("default");
    ECKey key = TestKeys.publicJwk(pair);
    Path file = file("enc.pem", TestKeys.traditionalPem(pair, "correct horse"));
    assertThat(file).content().contains("Proc-Type: 4,ENCRYPTED");

    SigningKey loaded =
        PrivateKeys.load(file, SigningAlgorithm.ES384, "", password("correct horse"));

    assertThat(signsFor(loaded, key.toPublicJWK())).isTrue();
    assertThat(((ECKey) loaded.publicJwk().orElseThrow()).getX()).isEqualTo(key.getX());
  }

  @Test
  void aWrongPassphraseIsSaidNamingWhereItCameFromAndNeitherKeyNorPassphrase() throws Exception {
    Path file =
        file("enc.pem", TestKeys.encryptedPkcs8Pem(TestKeys.rsa().toPrivateKey(), "correct horse"));

    assertThatThrownBy(
            () -> PrivateKeys.load(file, SigningAlgorithm.RS384, "", password("battery staple")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Private key file "
                + file
                + " could not be decrypted with the passphrase from env"
                + " LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD (a wrong passphrase?)");
  }

  @Test
  void aDamagedPemBlockIsSaidWithoutQuotingIt() {
    String pem = TestKeys.pkcs8Pem(TestKeys.privateKey(TestKeys.rsa()));
    String damaged = pem.substring(0, pem.length() / 2) + "!!" + pem.substring(pem.length() / 2);
    Path file = file("rsa.pem", damaged);

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Private key file "
                + file
                + " has a PEM block that is not a valid key (damaged, cut short, or not"
                + " base64)");
  }

  @Test
  void aPublicKeyFileIsNotTakenForThePrivateKey() throws Exception {
    Path file =
        file(
            "public.pem", TestKeys.pem("PUBLIC KEY", TestKeys.rsa().toRSAPublicKey().getEncoded()));

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessageEndingWith(
            "holds PUBLIC KEY but no private key (the private key is the file with BEGIN PRIVATE KEY)");
  }

  @Test
  void unreadableJsonIsReportedWithoutEchoingTheFile() {
    Path file = file("broken.jwk", "{\"kty\": \"RSA\", \"d\": \"SECRET-PRIVATE-EXPONENT\", ");

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessage("Private key file " + file + " is JSON but not a valid JWK or JWK Set")
        .message()
        .doesNotContain("SECRET");
  }

  @Test
  void somethingElseEntirelyIsNamedForWhatItIsNot() {
    Path file = file("notes.txt", "client id: abc\n");

    assertThatThrownBy(() -> PrivateKeys.load(file, SigningAlgorithm.RS384, ""))
        .hasMessageEndingWith("is neither a PEM private key nor a JWK / JWK Set (JSON)");
  }

  /**
   * Keys as OpenSSL writes them, made by openssl itself where it is installed (else by
   * BouncyCastle, as above): genpkey's PKCS#8 EC key with its public point, ecparam's parameters
   * and SEC1 key, and an encrypted PKCS#8 RSA key read with its passphrase from a file.
   */
  @Test
  void keysMadeByOpensslAreRead() throws Exception {
    Path ec = dir.resolve("ec-genpkey.pem");
    Path ecTraditional = dir.resolve("ec-ecparam.pem");
    Path rsaEncrypted = dir.resolve("rsa-enc.pem");
    if (openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-out",
        ec.toString())) {
      openssl("ecparam", "-name", "secp384r1", "-genkey", "-out", ecTraditional.toString());
      openssl(
          "genpkey",
          "-algorithm",
          "RSA",
          "-pkeyopt",
          "rsa_keygen_bits:2048",
          "-aes-256-cbc",
          "-pass",
          "pass:correct horse",
          "-out",
          rsaEncrypted.toString());
    } else {
      java.security.KeyPair pair = TestKeys.bouncyCastleEcP384("openssl-stand-in");
      file(ec.getFileName().toString(), TestKeys.pkcs8Pem(pair.getPrivate()));
      file(
          ecTraditional.getFileName().toString(),
          TestKeys.pem("EC PARAMETERS", SECP384R1_OID) + TestKeys.traditionalPem(pair, null));
      file(
          rsaEncrypted.getFileName().toString(),
          TestKeys.encryptedPkcs8Pem(TestKeys.rsa().toPrivateKey(), "correct horse"));
    }

    assertThat(PrivateKeys.load(ec, SigningAlgorithm.ES384, "").publicJwk()).isPresent();
    assertThat(PrivateKeys.load(ecTraditional, SigningAlgorithm.ES384, "").publicJwk()).isPresent();
    SigningKey rsa =
        PrivateKeys.load(rsaEncrypted, SigningAlgorithm.RS384, "", password("correct horse"));
    assertThat(rsa.publicJwk()).isPresent();
    assertThatThrownBy(() -> PrivateKeys.load(rsaEncrypted, SigningAlgorithm.RS384, ""))
        .hasMessageContaining("is encrypted with a passphrase");
  }

  /** Runs openssl; false when it is not installed. */
  private static boolean openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException notInstalled) {
      return false;
    }
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    return true;
  }

  // --- helpers
  // --------------------------------------------------------------------------------------------------

  private Path file(String name, String content) {
    return TestKeys.write(dir.resolve(name), content);
  }

  /** Whether a JWS made with the loaded key verifies with {@code publicJwk}. */
  private static boolean signsFor(SigningKey key, JWK publicJwk) throws JOSEException {
    JWSObject jws = new JWSObject(new JWSHeader(key.algorithm().jws()), new Payload("check"));
    jws.sign(key.signer());
    return publicJwk instanceof RSAKey rsa
        ? jws.verify(new RSASSAVerifier(rsa))
        : jws.verify(new ECDSAVerifier((ECKey) publicJwk));
  }

  private static KeyPassword password(String passphrase) {
    return new KeyPassword(
        passphrase.toCharArray(), "env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD", "");
  }
}
