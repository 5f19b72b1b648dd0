package org.llmfhiradapter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.source.auth.AuthConfig;
import org.llmfhiradapter.source.auth.KeyPassword;
import org.llmfhiradapter.source.auth.PrivateKeys;
import org.llmfhiradapter.source.auth.SigningAlgorithm;
import org.llmfhiradapter.source.auth.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jwks}: prints the public JWK Set to register with an EHR for a private key, read exactly
 * as the pull reads it, so the published {@code kid} and key are the ones the adapter signs with.
 */
@Command(
    name = "jwks",
    mixinStandardHelpOptions = true,
    description = {
      "Print the public JWK Set (JSON) of a SMART backend private key, to upload to the EHR or serve at the JWK Set URL"
          + " registered with it. Only public parts are printed.",
      "Without --key-id the kid is the key's RFC 7638 thumbprint, which is also what the adapter puts in its JWT"
          + " header when llm.source.auth.key-id is empty."
    })
final class JwksCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--private-key-file",
      required = true,
      paramLabel = "FILE",
      description = "PEM (PKCS#8, PKCS#1 or SEC1) or JWK/JWK Set file holding the private key.")
  Path privateKeyFile;

  @Option(
      names = "--private-key-password-file",
      paramLabel = "FILE",
      description =
          "File holding the passphrase of an encrypted key (or env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD).")
  Path passwordFile;

  @Option(
      names = "--key-id",
      paramLabel = "KID",
      description = "kid to publish (default: the key's kid or thumbprint).")
  String keyId = "";

  @Option(
      names = "--algorithm",
      paramLabel = "RS384|ES384",
      description =
          "Signing algorithm (default: the key's own: RS384 for an RSA key, ES384 for an EC key).")
  String algorithm = "";

  /** As the pull reads it: env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD or the file given here. */
  private KeyPassword password() {
    Settings settings = Settings.defaults();
    if (passwordFile != null) {
      settings =
          settings.with(AuthConfig.SOURCE + ".private-key-password-file", passwordFile.toString());
    }
    return AuthConfig.keyPassword(settings, System.getenv(), AuthConfig.SOURCE);
  }

  @Override
  public Integer call() throws Exception {
    SigningAlgorithm alg =
        algorithm.isBlank()
            ? null
            : SigningAlgorithm.parse(algorithm)
                .orElseThrow(
                    () ->
                        new BadInputException(
                            "--algorithm must be RS384 or ES384, but is '" + algorithm + "'"));
    SigningKey key = PrivateKeys.load(privateKeyFile, alg, keyId, password());
    var jwks =
        key.publicJwkSet()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "Private key file "
                            + privateKeyFile
                            + " holds no public key to publish (an EC key saved without"
                            + " it); write the key with: openssl pkey -in "
                            + privateKeyFile
                            + " -out key.pem"));
    // Pretty-printed: people paste this into registration forms and read it first.
    Object tree = new ObjectMapper().readValue(jwks.toString(true), Object.class);
    spec.commandLine()
        .getOut()
        .println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
