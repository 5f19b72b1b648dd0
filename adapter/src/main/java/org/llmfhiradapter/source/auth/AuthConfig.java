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
 * How the adapter authenticates to one FHIR server, read from the settings under a prefix ({@code
 * llm.source.auth.*} for the server pulled from, {@code llm.publish.auth.*} for the registry
 * published to) and checked once, so that a wrong setting fails at start-up with one line naming it
 * rather than at the first request.
 *
 * <p>Secrets never come from settings files: the Basic password is read from the environment
 * variable named after the prefix ({@value #BASIC_PASSWORD_ENV} for the source) or from the file
 * named by {@code <prefix>.basic-password-file}; a static bearer token likewise from {@code
 * <PREFIX>_BEARER_TOKEN} or {@code <prefix>.bearer-token-file}; the private key stays in its key
 * file and is read by {@link PrivateKeys} when tokens are first needed.
 *
 * @param mode none, basic or smart-backend
 * @param clientId smart-backend: the client id the EHR assigned (empty otherwise)
 * @param privateKeyFile smart-backend: PEM or JWK/JWKS file with the private key (null otherwise)
 * @param keyId smart-backend: kid of the published public key; empty: the key's own kid or
 *     thumbprint
 * @param algorithm smart-backend: RS384 or ES384; null (the setting left empty): the key's own,
 *     RS384 for an RSA key and ES384 for an EC key
 * @param tokenUrl smart-backend: the token endpoint; empty: discovered from the server's
 *     smart-configuration
 * @param scopes smart-backend: scopes asked for, space separated
 * @param basicUser basic: the user name (empty otherwise)
 * @param basicPassword basic: the password (empty otherwise); never printed by {@link #toString()}
 * @param bearerToken bearer: the static access token (empty otherwise); never printed by {@link
 *     #toString()}
 * @param prefix the settings these were read from, e.g. {@code llm.source.auth}; error messages
 *     name them
 * @param privateKeyPassword smart-backend: the passphrase of an encrypted key file (env or a file),
 *     else none
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
    String basicPassword,
    String bearerToken,
    String prefix,
    KeyPassword privateKeyPassword) {

  /** Settings of the server pulled from. */
  public static final String SOURCE = "llm.source.auth";

  /** Settings of the server the results are published to, when it is not the source. */
  public static final String PUBLISH = "llm.publish.auth";

  /** Environment variable holding the source's Basic password. */
  public static final String BASIC_PASSWORD_ENV = "LLM_SOURCE_AUTH_BASIC_PASSWORD";

  static final String MODE = SOURCE + ".mode";
  static final String KEY_ID = SOURCE + ".key-id";
  static final String ALGORITHM = SOURCE + ".algorithm";
  static final String TOKEN_URL = SOURCE + ".token-url";

  /** How requests are authenticated. */
  public enum Mode {
    NONE("none"),
    BASIC("basic"),
    BEARER("bearer"),
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
    return none(SOURCE);
  }

  private static AuthConfig none(String prefix) {
    return new AuthConfig(
        Mode.NONE,
        "",
        null,
        "",
        SigningAlgorithm.RS384,
        "",
        "",
        "",
        "",
        "",
        prefix,
        KeyPassword.none(prefix));
  }

  /**
   * Reads and checks the source's settings; the Basic password comes from the process environment.
   */
  public static AuthConfig from(Settings settings) {
    return from(settings, System.getenv());
  }

  /** Reads and checks the source's settings ({@value #SOURCE}). */
  public static AuthConfig from(Settings settings, Map<String, String> env) {
    return from(settings, env, SOURCE);
  }

  /**
   * Reads and checks the settings under {@code prefix}.
   *
   * @param env the environment the Basic password or bearer token is read from
   * @param prefix {@value #SOURCE} or {@value #PUBLISH}
   * @throws ConfigException naming the setting that is missing or wrong
   */
  public static AuthConfig from(Settings settings, Map<String, String> env, String prefix) {
    String modeKey = prefix + ".mode";
    Mode mode = mode(modeKey, settings.get(modeKey));
    String algorithmKey = prefix + ".algorithm";
    SigningAlgorithm algorithm =
        settings.get(algorithmKey).isBlank()
            ? null
            : SigningAlgorithm.parse(settings.get(algorithmKey))
                .orElseThrow(
                    () ->
                        new ConfigException(
                            "Setting "
                                + algorithmKey
                                + " must be RS384, ES384 or empty (the key's own), but is '"
                                + settings.get(algorithmKey)
                                + "'"));
    return switch (mode) {
      case NONE -> none(prefix);
      case SMART_BACKEND -> smartBackend(settings, env, algorithm, prefix);
      case BASIC -> basic(settings, env, prefix);
      case BEARER -> bearer(settings, env, prefix);
    };
  }

  /**
   * The full name of one of these settings: {@code setting("token-url")} is {@code
   * llm.source.auth.token-url}.
   */
  public String setting(String name) {
    return prefix + "." + name;
  }

  /** The Basic credentials, in basic mode. */
  public Optional<BasicCredentials> basicCredentials() {
    return mode == Mode.BASIC
        ? Optional.of(new BasicCredentials(basicUser, basicPassword))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return "AuthConfig[mode="
        + mode.setting()
        + ", clientId="
        + clientId
        + ", privateKeyFile="
        + privateKeyFile
        + ", keyId="
        + keyId
        + ", algorithm="
        + (algorithm == null ? "(the key's)" : algorithm)
        + ", tokenUrl="
        + tokenUrl
        + ", scopes="
        + scopes
        + ", basicUser="
        + basicUser
        + ", basicPassword="
        + (basicPassword.isEmpty() ? "" : "(hidden)")
        + ", bearerToken="
        + (bearerToken.isEmpty() ? "" : "(hidden)")
        + ", prefix="
        + prefix
        + "]";
  }

  private static Mode mode(String key, String value) {
    return Arrays.stream(Mode.values())
        .filter(m -> m.setting().equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    "Setting "
                        + key
                        + " must be "
                        + Arrays.stream(Mode.values())
                            .map(Mode::setting)
                            .collect(Collectors.joining(", "))
                        + ", but is '"
                        + value
                        + "'"));
  }

  private static AuthConfig smartBackend(
      Settings s, Map<String, String> env, SigningAlgorithm algorithm, String prefix) {
    String clientId = required(s, prefix, "client-id", Mode.SMART_BACKEND);
    Path keyFile = Path.of(required(s, prefix, "private-key-file", Mode.SMART_BACKEND));
    String scopes = required(s, prefix, "scopes", Mode.SMART_BACKEND).replaceAll("\\s+", " ");
    String tokenUrlKey = prefix + ".token-url";
    String tokenUrl = s.get(tokenUrlKey);
    if (!tokenUrl.isEmpty()) {
      Optional<Origin> origin = Origin.of(tokenUrl);
      if (origin.isEmpty()) {
        throw new ConfigException(
            "Setting " + tokenUrlKey + " must be an absolute https URL, but is '" + tokenUrl + "'");
      }
      if (!origin.get().mayCarryCredentials()) {
        throw new ConfigException(
            "Setting "
                + tokenUrlKey
                + " must use https (plain http only to loopback addresses), but is '"
                + tokenUrl
                + "'");
      }
    }
    return new AuthConfig(
        Mode.SMART_BACKEND,
        clientId,
        keyFile,
        s.get(prefix + ".key-id"),
        algorithm,
        tokenUrl,
        scopes,
        "",
        "",
        "",
        prefix,
        keyPassword(s, env, prefix));
  }

  private static AuthConfig basic(Settings s, Map<String, String> env, String prefix) {
    String userKey = prefix + ".basic-user";
    String user = required(s, prefix, "basic-user", Mode.BASIC);
    if (user.contains(":")) {
      throw new ConfigException(
          "Setting " + userKey + " must not contain ':' (HTTP Basic cannot carry it)");
    }
    String password =
        secret(s, env, prefix, "basic-password", "The Basic password", "a password", Mode.BASIC);
    return new AuthConfig(
        Mode.BASIC,
        "",
        null,
        "",
        SigningAlgorithm.RS384,
        "",
        "",
        user,
        password,
        "",
        prefix,
        KeyPassword.none(prefix));
  }

  private static AuthConfig bearer(Settings s, Map<String, String> env, String prefix) {
    String token =
        secret(s, env, prefix, "bearer-token", "The bearer token", "a token", Mode.BEARER);
    if (!token.matches("[A-Za-z0-9\\-._~+/]+=*")) {
      // RFC 6750's token68: anything else (a space, a line break) would break or forge the header.
      throw new ConfigException(
          "The bearer token ("
              + prefix
              + ") is not a valid token: only letters, digits and -._~+/ followed by '='s");
    }
    return new AuthConfig(
        Mode.BEARER,
        "",
        null,
        "",
        SigningAlgorithm.RS384,
        "",
        "",
        "",
        "",
        token,
        prefix,
        KeyPassword.none(prefix));
  }

  /**
   * A secret from env {@code <PREFIX>_<NAME>} or from the file named by setting {@code
   * <prefix>.<name>-file}, exactly one of them.
   */
  private static String secret(
      Settings s,
      Map<String, String> env,
      String prefix,
      String name,
      String what,
      String need,
      Mode mode) {
    String envName = Settings.envName(prefix + "." + name);
    String fileKey = prefix + "." + name + "-file";
    String fromEnv = env.get(envName);
    boolean hasEnv = fromEnv != null && !fromEnv.isEmpty();
    String file = s.get(fileKey);
    if (hasEnv && !file.isEmpty()) {
      throw new ConfigException(
          what
              + " is given twice, by env "
              + envName
              + " and by setting "
              + fileKey
              + ": keep one");
    }
    if (!hasEnv && file.isEmpty()) {
      throw new ConfigException(
          "Setting "
              + prefix
              + ".mode="
              + mode.setting()
              + " needs "
              + need
              + ": set env "
              + envName
              + " or setting "
              + fileKey
              + " (a file holding it)");
    }
    return hasEnv ? fromEnv : readSecretFile(fileKey, Path.of(file));
  }

  /**
   * The passphrase of an encrypted key file, if given: env {@code <PREFIX>_PRIVATE_KEY_PASSWORD} or
   * the file named by {@code <prefix>.private-key-password-file}, not both. {@code jwks} reads it
   * the same way.
   */
  public static KeyPassword keyPassword(Settings s, Map<String, String> env, String prefix) {
    String envName = Settings.envName(prefix + ".private-key-password");
    String fileKey = prefix + ".private-key-password-file";
    String fromEnv = env.get(envName);
    String file = s.get(fileKey);
    if (fromEnv != null && !fromEnv.isEmpty() && !file.isEmpty()) {
      throw new ConfigException(
          "The private key's passphrase is given twice, by env "
              + envName
              + " and by setting "
              + fileKey
              + ": keep one");
    }
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return new KeyPassword(
          fromEnv.toCharArray(), "env " + envName, KeyPassword.howToGive(prefix));
    }
    if (!file.isEmpty()) {
      return new KeyPassword(
          readSecretFile(fileKey, Path.of(file)).toCharArray(),
          "setting " + fileKey,
          KeyPassword.howToGive(prefix));
    }
    return KeyPassword.none(prefix);
  }

  private static String readSecretFile(String key, Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("Setting " + key + " names " + file + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(
          "Setting "
              + key
              + " names "
              + file
              + ", which cannot be read ("
              + e.getClass().getSimpleName()
              + ")");
    }
    // Editors and `echo` end files with a newline that is not part of the secret; anything else is
    // kept.
    String secret = content.replaceFirst("\r?\n$", "");
    if (secret.isEmpty()) {
      throw new ConfigException("Setting " + key + " names " + file + ", which is empty");
    }
    return secret;
  }

  private static String required(Settings s, String prefix, String name, Mode mode) {
    String key = prefix + "." + name;
    String value = s.get(key);
    if (value.isEmpty()) {
      throw new ConfigException(
          "Setting "
              + key
              + " is required when "
              + prefix
              + ".mode="
              + mode.setting()
              + " (env "
              + Settings.envName(key)
              + ")");
    }
    return value;
  }
}
