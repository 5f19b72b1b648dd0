package org.llmfhiradapter.source.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;

/**
 * How the adapter authenticates to the FHIR server, read from the {@code llm.source.auth.*} settings and checked
 * once, so that a wrong setting fails at start-up with one line naming it rather than at the first request.
 *
 * <p>Secrets never come from settings files: the Basic password is read from the environment variable
 * {@value #BASIC_PASSWORD_ENV} or from the file named by {@code llm.source.auth.basic-password-file}; the private
 * key stays in its key file and is read by {@link PrivateKeys} when tokens are first needed.
 *
 * @param mode none, basic or smart-backend
 * @param clientId smart-backend: the client id the EHR assigned (empty otherwise)
 * @param privateKeyFile smart-backend: PEM or JWK/JWKS file with the private key (null otherwise)
 * @param keyId smart-backend: kid of the published public key; empty: the key's own kid or thumbprint
 * @param algorithm smart-backend: RS384 or ES384
 * @param tokenUrl smart-backend: the token endpoint; empty: discovered from the server's smart-configuration
 * @param scopes smart-backend: scopes asked for, space separated
 * @param basicUser basic: the user name (empty otherwise)
 * @param basicPassword basic: the password (empty otherwise); never printed by {@link #toString()}
 */
public record AuthConfig(
    Mode mode,
    String clientId,
    Path privateKeyFile,
    String keyId,
    SigningAlgorithm algorithm,
    String tokenUrl,
    String scopes,
    String basicUser,
    String basicPassword) {

  /** Environment variable holding the Basic password. */
  public static final String BASIC_PASSWORD_ENV = "LLM_SOURCE_AUTH_BASIC_PASSWORD";

  static final String MODE = "llm.source.auth.mode";
  static final String CLIENT_ID = "llm.source.auth.client-id";
  static final String PRIVATE_KEY_FILE = "llm.source.auth.private-key-file";
  static final String KEY_ID = "llm.source.auth.key-id";
  static final String ALGORITHM = "llm.source.auth.algorithm";
  static final String TOKEN_URL = "llm.source.auth.token-url";
  static final String SCOPES = "llm.source.auth.scopes";
  static final String BASIC_USER = "llm.source.auth.basic-user";
  static final String BASIC_PASSWORD_FILE = "llm.source.auth.basic-password-file";

  /** How requests are authenticated. */
  public enum Mode {
    NONE("none"),
    BASIC("basic"),
    SMART_BACKEND("smart-backend");

    private final String setting;

    Mode(String setting) {
      this.setting = setting;
    }

    /** The value as written in the settings. */
    public String setting() {
      return setting;
    }
  }

  /** No authentication. */
  public static AuthConfig none() {
    return new AuthConfig(Mode.NONE, "", null, "", SigningAlgorithm.RS384, "", "", "", "");
  }

  /** Reads and checks the settings; the Basic password comes from the process environment. */
  public static AuthConfig from(Settings settings) {
    return from(settings, System.getenv());
  }

  /**
   * Reads and checks the settings.
   *
   * @param env the environment the Basic password is read from
   * @throws ConfigException naming the setting that is missing or wrong
   */
  public static AuthConfig from(Settings settings, Map<String, String> env) {
    Mode mode = mode(settings.get(MODE));
    SigningAlgorithm algorithm =
        SigningAlgorithm.parse(settings.get(ALGORITHM))
            .orElseThrow(
                () ->
                    new ConfigException(
                        "Setting " + ALGORITHM + " must be RS384 or ES384, but is '" + settings.get(ALGORITHM) + "'"));
    return switch (mode) {
      case NONE -> none();
      case SMART_BACKEND -> smartBackend(settings, algorithm);
      case BASIC -> basic(settings, env);
    };
  }

  /** The Basic credentials, in basic mode. */
  public Optional<BasicCredentials> basicCredentials() {
    return mode == Mode.BASIC ? Optional.of(new BasicCredentials(basicUser, basicPassword)) : Optional.empty();
  }

  @Override
  public String toString() {
    return "AuthConfig[mode=" + mode.setting() + ", clientId=" + clientId + ", privateKeyFile=" + privateKeyFile
        + ", keyId=" + keyId + ", algorithm=" + algorithm + ", tokenUrl=" + tokenUrl + ", scopes=" + scopes
        + ", basicUser=" + basicUser + ", basicPassword=" + (basicPassword.isEmpty() ? "" : "(hidden)") + "]";
  }

  private static Mode mode(String value) {
    return Arrays.stream(Mode.values())
        .filter(m -> m.setting().equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    "Setting " + MODE + " must be "
                        + Arrays.stream(Mode.values()).map(Mode::setting).collect(Collectors.joining(", "))
                        + ", but is '" + value + "'"));
  }

  private static AuthConfig smartBackend(Settings s, SigningAlgorithm algorithm) {
    String clientId = required(s, CLIENT_ID, Mode.SMART_BACKEND);
    Path keyFile = Path.of(required(s, PRIVATE_KEY_FILE, Mode.SMART_BACKEND));
    String scopes = required(s, SCOPES, Mode.SMART_BACKEND).replaceAll("\\s+", " ");
    String tokenUrl = s.get(TOKEN_URL);
    if (!tokenUrl.isEmpty()) {
      Optional<Origin> origin = Origin.of(tokenUrl);
      if (origin.isEmpty()) {
        throw new ConfigException("Setting " + TOKEN_URL + " must be an absolute https URL, but is '" + tokenUrl + "'");
      }
      if (!origin.get().mayCarryCredentials()) {
        throw new ConfigException(
            "Setting " + TOKEN_URL + " must use https (plain http only to loopback addresses), but is '" + tokenUrl + "'");
      }
    }
    return new AuthConfig(
        Mode.SMART_BACKEND, clientId, keyFile, s.get(KEY_ID), algorithm, tokenUrl, scopes, "", "");
  }

  private static AuthConfig basic(Settings s, Map<String, String> env) {
    String user = required(s, BASIC_USER, Mode.BASIC);
    if (user.contains(":")) {
      throw new ConfigException("Setting " + BASIC_USER + " must not contain ':' (HTTP Basic cannot carry it)");
    }
    String fromEnv = env.get(BASIC_PASSWORD_ENV);
    boolean hasEnv = fromEnv != null && !fromEnv.isEmpty();
    String file = s.get(BASIC_PASSWORD_FILE);
    if (hasEnv && !file.isEmpty()) {
      throw new ConfigException(
          "The Basic password is given twice, by env " + BASIC_PASSWORD_ENV + " and by setting " + BASIC_PASSWORD_FILE
              + ": keep one");
    }
    if (!hasEnv && file.isEmpty()) {
      throw new ConfigException(
          "Setting " + MODE + "=basic needs a password: set env " + BASIC_PASSWORD_ENV + " or setting "
              + BASIC_PASSWORD_FILE + " (a file holding it)");
    }
    String password = hasEnv ? fromEnv : readPasswordFile(Path.of(file));
    return new AuthConfig(Mode.BASIC, "", null, "", SigningAlgorithm.RS384, "", "", user, password);
  }

  private static String readPasswordFile(Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("Setting " + BASIC_PASSWORD_FILE + " names " + file + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(
          "Setting " + BASIC_PASSWORD_FILE + " names " + file + ", which cannot be read (" + e.getClass().getSimpleName()
              + ")");
    }
    // Editors and `echo` end files with a newline that is not part of the password; anything else is kept.
    String password = content.replaceFirst("\r?\n$", "");
    if (password.isEmpty()) {
      throw new ConfigException("Setting " + BASIC_PASSWORD_FILE + " names " + file + ", which is empty");
    }
    return password;
  }

  private static String required(Settings s, String key, Mode mode) {
    String value = s.get(key);
    if (value.isEmpty()) {
      throw new ConfigException(
          "Setting " + key + " is required when " + MODE + "=" + mode.setting() + " (env " + Settings.envName(key) + ")");
    }
    return value;
  }
}
