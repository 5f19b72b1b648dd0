package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.source.auth.PrivateKeys;
import org.llmfhiradapter.source.auth.SigningAlgorithm;
import org.llmfhiradapter.testing.TestKeys;

class JwksCommandTest {

  @TempDir Path dir;

  @Test
  void printsThePublicJwkSetWithTheKidTheAdapterSignsWith() throws Exception {
    RSAKey key = TestKeys.rsa();
    Path file = TestKeys.write(dir.resolve("private.pem"), TestKeys.pkcs8Pem(key.toPrivateKey()));

    CliRun run = CliRun.of("jwks", "--private-key-file", file.toString());

    assertThat(run.exitCode()).isZero();
    JWKSet printed = JWKSet.parse(run.out());
    assertThat(printed.getKeys()).hasSize(1);
    JWK published = printed.getKeys().get(0);
    assertThat(published.isPrivate()).isFalse();
    assertThat(run.out())
        .doesNotContain("\"d\"")
        .doesNotContain(key.getPrivateExponent().toString());
    assertThat(published.toRSAKey().getModulus()).isEqualTo(key.getModulus());
    assertThat(published.getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
    assertThat(published.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(published.getKeyID())
        .isEqualTo(key.computeThumbprint().toString())
        .isEqualTo(PrivateKeys.load(file, SigningAlgorithm.RS384, "").keyId().orElseThrow());
  }

  @Test
  void aGivenKeyIdAndEs384AreHonoured() throws Exception {
    ECKey key = TestKeys.ecP384();
    Path file = TestKeys.write(dir.resolve("private.jwk"), key.toJSONString());

    CliRun run =
        CliRun.of(
            "jwks",
            "--private-key-file",
            file.toString(),
            "--key-id",
            "cerner-2026",
            "--algorithm",
            "ES384");

    JWK published = JWKSet.parse(run.out()).getKeys().get(0);
    assertThat(published.getKeyID()).isEqualTo("cerner-2026");
    assertThat(published.getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
    assertThat(((ECKey) published).getX()).isEqualTo(key.getX());
  }

  @Test
  void anEcKeyAsOpensslWritesItIsPublishedForEs384WithoutBeingTold() throws Exception {
    java.security.KeyPair pair = TestKeys.bouncyCastleEcP384("default");
    Path file = TestKeys.write(dir.resolve("private.pem"), TestKeys.pkcs8Pem(pair.getPrivate()));

    CliRun run = CliRun.of("jwks", "--private-key-file", file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JWK published = JWKSet.parse(run.out()).getKeys().get(0);
    assertThat(published.getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
    assertThat(((ECKey) published).getX()).isEqualTo(TestKeys.publicJwk(pair).getX());
  }

  @Test
  void anEncryptedKeyIsReadWithThePassphraseFromAFile() throws Exception {
    RSAKey key = TestKeys.rsa();
    Path file =
        TestKeys.write(
            dir.resolve("private.pem"),
            TestKeys.encryptedPkcs8Pem(key.toPrivateKey(), "correct horse"));
    Path passphrase = TestKeys.write(dir.resolve("passphrase"), "correct horse\n");

    CliRun without = CliRun.of("jwks", "--private-key-file", file.toString());
    CliRun with =
        CliRun.of(
            "jwks",
            "--private-key-file",
            file.toString(),
            "--private-key-password-file",
            passphrase.toString());

    assertThat(without.exitCode()).isEqualTo(2);
    assertThat(without.err())
        .contains("is encrypted with a passphrase")
        .doesNotContain("correct horse");
    assertThat(with.exitCode()).as(with.err()).isZero();
    assertThat(JWKSet.parse(with.out()).getKeys().get(0).toRSAKey().getModulus())
        .isEqualTo(key.getModulus());
  }

  @Test
  void anEcKeySavedWithoutItsPublicPointIsExplainedWithExitCode2() throws Exception {
    Path file =
        TestKeys.write(
            dir.resolve("private.pem"), TestKeys.pkcs8Pem(TestKeys.ecP384().toPrivateKey()));

    CliRun run = CliRun.of("jwks", "--private-key-file", file.toString(), "--algorithm", "ES384");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Private key file " + file + " holds no public key to publish");
  }

  @Test
  void aMissingKeyFileIsExitCode2NamingIt() {
    Path file = dir.resolve("none.pem");

    CliRun run = CliRun.of("jwks", "--private-key-file", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("error: Private key file " + file + " does not exist");
  }
}
