package org.llmfhiradapter.source.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;

class AuthConfigTest {

  @TempDir Path dir;

  @Test
  void theDefaultIsNoAuthentication() {
    AuthConfig auth = AuthConfig.from(Settings.defaults(), Map.of());

    assertThat(auth.mode()).isEqualTo(AuthConfig.Mode.NONE);
    assertThat(auth.basicCredentials()).isEmpty();
  }

  @Test
  void everyAuthSettingIsDeclaredSoItCanBeOverridden() {
    assertThat(Settings.defaults().asMap())
        .containsKeys(
            "llm.source.auth.mode",
            "llm.source.auth.client-id",
            "llm.source.auth.private-key-file",
            "llm.source.auth.key-id",
            "llm.source.auth.algorithm",
            "llm.source.auth.token-url",
            "llm.source.auth.scopes",
            "llm.source.auth.basic-user",
            "llm.source.auth.basic-password-file")
        .doesNotContainKey("llm.source.auth.basic-password");
  }

  @Test
  void smartBackendReadsItsSettings() {
    Settings settings =
        smart()
            .with("llm.source.auth.key-id", "k1")
            .with("llm.source.auth.algorithm", "es384")
            .with("llm.source.auth.token-url", "https://ehr.example.org/oauth2/token");

    AuthConfig auth = AuthConfig.from(settings, Map.of());

    assertThat(auth.mode()).isEqualTo(AuthConfig.Mode.SMART_BACKEND);
    assertThat(auth.clientId()).isEqualTo("client-1");
    assertThat(auth.privateKeyFile()).isEqualTo(Path.of("/keys/private.pem"));
    assertThat(auth.keyId()).isEqualTo("k1");
    assertThat(auth.algorithm()).isEqualTo(SigningAlgorithm.ES384);
    assertThat(auth.tokenUrl()).isEqualTo("https://ehr.example.org/oauth2/token");
    assertThat(auth.scopes()).startsWith("system/Patient.read system/Condition.read");
  }

  @Test
  void smartBackendWithoutAClientIdNamesTheSettingAndItsEnvironmentVariable() {
    Settings settings = smart().with("llm.source.auth.client-id", "");

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Setting llm.source.auth.client-id is required when llm.source.auth.mode=smart-backend"
                + " (env LLM_SOURCE_AUTH_CLIENT_ID)");
  }

  @Test
  void smartBackendWithoutAKeyFileNamesTheSetting() {
    Settings settings = smart().with("llm.source.auth.private-key-file", "");

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .hasMessageStartingWith(
            "Setting llm.source.auth.private-key-file is required when llm.source.auth.mode=smart-backend");
  }

  @Test
  void anUnknownModeListsTheChoices() {
    Settings settings = Settings.defaults().with("llm.source.auth.mode", "oauth");

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .hasMessage(
            "Setting llm.source.auth.mode must be none, basic, bearer, smart-backend, but is 'oauth'");
  }

  @Test
  void anAlgorithmOtherThanRs384OrEs384IsRefused() {
    Settings settings = smart().with("llm.source.auth.algorithm", "HS256");

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .hasMessage(
            "Setting llm.source.auth.algorithm must be RS384, ES384 or empty (the key's own), but is"
                + " 'HS256'");
  }

  @Test
  void byDefaultTheAlgorithmIsLeftToTheKey() {
    AuthConfig auth = AuthConfig.from(smart(), Map.of());

    assertThat(auth.algorithm()).isNull();
    assertThat(auth.toString()).contains("algorithm=(the key's)");
  }

  @Test
  void aTokenUrlOverPlainHttpToAnotherMachineIsRefused() {
    Settings settings = smart().with("llm.source.auth.token-url", "http://ehr.example.org/token");

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .hasMessage(
            "Setting llm.source.auth.token-url must use https (plain http only to loopback addresses), but is"
                + " 'http://ehr.example.org/token'");
  }

  @Test
  void basicTakesThePasswordFromTheEnvironment() {
    Settings settings = basic();

    AuthConfig auth = AuthConfig.from(settings, Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "s3cret"));

    assertThat(auth.basicCredentials()).contains(new BasicCredentials("researcher", "s3cret"));
  }

  @Test
  void basicTakesThePasswordFromAFileWithoutItsFinalNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("password"), " pass word \n");
    Settings settings = basic().with("llm.source.auth.basic-password-file", file.toString());

    AuthConfig auth = AuthConfig.from(settings, Map.of());

    assertThat(auth.basicPassword()).isEqualTo(" pass word ");
  }

  @Test
  void basicWithoutAPasswordSaysWhereItCanComeFrom() {
    assertThatThrownBy(() -> AuthConfig.from(basic(), Map.of()))
        .hasMessage(
            "Setting llm.source.auth.mode=basic needs a password: set env LLM_SOURCE_AUTH_BASIC_PASSWORD or"
                + " setting llm.source.auth.basic-password-file (a file holding it)");
  }

  @Test
  void aPasswordGivenTwiceIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("password"), "one");
    Settings settings = basic().with("llm.source.auth.basic-password-file", file.toString());

    assertThatThrownBy(
            () -> AuthConfig.from(settings, Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "two")))
        .hasMessageContaining("given twice");
  }

  @Test
  void aMissingPasswordFileIsNamed() {
    Path file = dir.resolve("nope");
    Settings settings = basic().with("llm.source.auth.basic-password-file", file.toString());

    assertThatThrownBy(() -> AuthConfig.from(settings, Map.of()))
        .hasMessage(
            "Setting llm.source.auth.basic-password-file names " + file + ", which does not exist");
  }

  @Test
  void aUserNameWithAColonIsRefused() {
    Settings settings = basic().with("llm.source.auth.basic-user", "a:b");

    assertThatThrownBy(
            () -> AuthConfig.from(settings, Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "x")))
        .hasMessage(
            "Setting llm.source.auth.basic-user must not contain ':' (HTTP Basic cannot carry it)");
  }

  @Test
  void thePasswordStaysOutOfToString() {
    AuthConfig auth = AuthConfig.from(basic(), Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "s3cret"));

    assertThat(auth.toString()).contains("researcher").doesNotContain("s3cret");
    assertThat(auth.basicCredentials().orElseThrow().toString()).doesNotContain("s3cret");
  }

  @Test
  void theDestinationHasSettingsAndSecretsOfItsOwn() throws Exception {
    Path token = Files.writeString(dir.resolve("registry-token"), "registry.token-123\n");
    Settings settings =
        basic()
            .with("llm.publish.auth.mode", "bearer")
            .with("llm.publish.auth.bearer-token-file", token.toString());

    AuthConfig destination =
        AuthConfig.from(
            settings, Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "s3cret"), AuthConfig.PUBLISH);
    AuthConfig source =
        AuthConfig.from(settings, Map.of("LLM_SOURCE_AUTH_BASIC_PASSWORD", "s3cret"));

    assertThat(destination.mode()).isEqualTo(AuthConfig.Mode.BEARER);
    assertThat(destination.bearerToken()).isEqualTo("registry.token-123");
    assertThat(destination.basicPassword()).isEmpty();
    assertThat(destination.toString()).doesNotContain("registry.token-123");
    assertThat(source.mode()).isEqualTo(AuthConfig.Mode.BASIC);
    assertThat(source.bearerToken()).isEmpty();
  }

  @Test
  void aDestinationWithoutItsTokenNamesItsOwnSettings() {
    Settings settings = Settings.defaults().with("llm.publish.auth.mode", "bearer");

    assertThatThrownBy(
            () ->
                AuthConfig.from(
                    settings, Map.of("LLM_SOURCE_AUTH_BEARER_TOKEN", "x"), AuthConfig.PUBLISH))
        .hasMessage(
            "Setting llm.publish.auth.mode=bearer needs a token: set env LLM_PUBLISH_AUTH_BEARER_TOKEN or"
                + " setting llm.publish.auth.bearer-token-file (a file holding it)");
  }

  @Test
  void aBearerTokenThatWouldBreakTheHeaderIsRefused() {
    Settings settings = Settings.defaults().with("llm.publish.auth.mode", "bearer");

    assertThatThrownBy(
            () ->
                AuthConfig.from(
                    settings,
                    Map.of("LLM_PUBLISH_AUTH_BEARER_TOKEN", "abc\r\nX-Evil: 1"),
                    AuthConfig.PUBLISH))
        .hasMessageContaining("is not a valid token")
        .hasMessageNotContaining("Evil");
  }

  private static Settings smart() {
    return Settings.defaults()
        .with("llm.source.auth.mode", "smart-backend")
        .with("llm.source.auth.client-id", "client-1")
        .with("llm.source.auth.private-key-file", "/keys/private.pem");
  }

  private static Settings basic() {
    return Settings.defaults()
        .with("llm.source.auth.mode", "basic")
        .with("llm.source.auth.basic-user", "researcher");
  }
}
