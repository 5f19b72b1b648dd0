package org.llmfhiradapter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void defaultsComeFromThePackagedApplicationProperties() {
    Settings settings = Settings.defaults();

    assertThat(settings.getInt("llm.source.page-size")).isEqualTo(50);
    assertThat(settings.getBoolean("llm.publish.enabled")).isTrue();
  }

  @Test
  void aFileThenTheEnvironmentThenSetOverrideInThatOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(
        file,
        "llm.source.page-size=10\nllm.pipeline.concurrency=2\nllm.publish.cohort-name=file\n");
    Map<String, String> env =
        Map.of("LLM_PIPELINE_CONCURRENCY", "3", "LLM_PUBLISH_COHORT_NAME", "env");

    Settings settings = Settings.load(file, env, Map.of("llm.publish.cohort-name", "cli"));

    assertThat(settings.getInt("llm.source.page-size")).isEqualTo(10);
    assertThat(settings.getInt("llm.pipeline.concurrency")).isEqualTo(3);
    assertThat(settings.get("llm.publish.cohort-name")).isEqualTo("cli");
  }

  @Test
  void theConfigFileCanBeNamedByTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(file, "llm.source.page-size=7\n");

    Settings settings = Settings.load(null, Map.of("LLM_CONFIG", file.toString()), Map.of());

    assertThat(settings.getInt("llm.source.page-size")).isEqualTo(7);
  }

  @Test
  void environmentNamesAreTheKeysUpperCasedWithUnderscores() {
    assertThat(Settings.envName("llm.source.base-url")).isEqualTo("LLM_SOURCE_BASE_URL");
  }

  @Test
  void aCommentAfterAValueIsRefusedNamingTheLineInsteadOfBecomingPartOfIt(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(
        file, "# Epic\nllm.source.page-size=50\nllm.source.vendor=epic          # or cerner\n");

    assertThatThrownBy(() -> Settings.load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "In " + file + " line 3, llm.source.vendor = 'epic          # or cerner'")
        .hasMessageContaining("move it to a line of its own starting with #");
  }

  @Test
  void everyPropertiesSnippetInTheDocsLoadsAsPasted(@TempDir Path dir) throws Exception {
    int snippets = 0;
    for (Path doc : List.of(Path.of("../README.md"), Path.of("../docs/ehr-setup.md"))) {
      Matcher block = PROPERTIES_BLOCK.matcher(Files.readString(doc));
      while (block.find()) {
        Path file = dir.resolve("snippet-" + ++snippets + ".properties");
        Files.writeString(file, block.group(1));

        assertThat(Settings.load(file, Map.of(), Map.of()))
            .as(doc + ", snippet:\n" + block.group(1))
            .isNotNull();
      }
    }
    assertThat(snippets).as("the EHR guide's settings").isGreaterThanOrEqualTo(5);
  }

  private static final Pattern PROPERTIES_BLOCK =
      Pattern.compile("```properties\n(.*?)```", Pattern.DOTALL);

  @Test
  void camelsOwnSettingsPassThroughToCamelMain(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(file, "camel.main.shutdown-timeout=5\n");

    Settings settings = Settings.load(file, Map.of(), Map.of("camel.threadpool.pool-size", "4"));

    assertThat(settings.asProperties())
        .containsEntry("camel.main.shutdown-timeout", "5")
        .containsEntry("camel.threadpool.pool-size", "4");
  }

  @Test
  void aMistypedKeyIsRefusedNotIgnored() {
    assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("llm.source.pagesize", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Unknown setting 'llm.source.pagesize' given with --set");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThatThrownBy(() -> Settings.load(Path.of("no-such.properties"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Configuration file no-such.properties does not exist");
  }

  @Test
  void typedValuesAreCheckedWithTheKeyInTheMessage() {
    Settings settings = Settings.defaults().with("llm.source.page-size", "fifty");

    assertThatThrownBy(() -> AdapterConfig.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("llm.source.page-size must be a whole number, but is 'fifty'");
  }

  @Test
  void anEmptyDataCutoffMeansToday() {
    java.time.Clock clock =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);

    AdapterConfig config = AdapterConfig.from(Settings.defaults(), clock);

    assertThat(config.pipeline().dataCutoff()).isEqualTo(LocalDate.of(2026, 3, 1));
  }

  @Test
  void candidateCodesMustBeSystemBarCode() {
    Settings settings = Settings.defaults().with("llm.source.candidate-codes", "94381002");

    assertThatThrownBy(() -> AdapterConfig.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("system|code");
  }

  @Test
  void aNamedSourceTakesWhatItDoesNotSetFromLlmSource() {
    Settings settings =
        Settings.load(
            null,
            Map.of(),
            Map.of(
                "llm.source.page-size", "20",
                "llm.sources.epic.base-url", "https://epic.example.org/fhir",
                "llm.sources.epic.vendor", "epic",
                "llm.sources.epic.patients", "group:llm",
                "llm.sources.lab.base-url", "https://lab.example.org/fhir",
                "llm.publish.base-url", "https://registry.example.org/fhir"));

    AdapterConfig config = AdapterConfig.from(settings);

    assertThat(config.syncSources())
        .extracting(AdapterConfig.NamedSource::name)
        .containsExactly("epic", "lab");
    AdapterConfig.Source epic = config.syncSources().get(0).server();
    assertThat(epic.vendor()).isEqualTo("epic");
    assertThat(epic.pageSize()).isEqualTo(20);
    assertThat(config.syncSources().get(1).server().vendor()).isEqualTo("generic");
    assertThat(settings.get("llm.sources.epic.auth.mode")).isEqualTo("none");
  }

  @Test
  void aNamedSourceKeyMustBeAKeyOfLlmSource() {
    assertThatThrownBy(
            () -> Settings.load(null, Map.of(), Map.of("llm.sources.epic.base-uri", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Unknown setting 'llm.sources.epic.base-uri' given with --set: llm.source.base-uri is no"
                + " setting");
    assertThatThrownBy(
            () -> Settings.load(null, Map.of(), Map.of("llm.sources.Epic EHR.base-url", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lower-case letters, digits and '-'");
  }

  @Test
  void severalSourcesNeedARegistryToPublishTo() {
    Settings settings =
        Settings.load(
            null,
            Map.of(),
            Map.of(
                "llm.sources.a.base-url", "https://a.example.org/fhir",
                "llm.sources.b.base-url", "https://b.example.org/fhir"));

    assertThatThrownBy(() -> AdapterConfig.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("set llm.publish.base-url");
  }

  @Test
  void epicAndCernerPublishOnlyToARegistryThatIsNotTheEhr() {
    Settings epic =
        Settings.defaults()
            .with("llm.source.base-url", "https://fhir.epic.example.org/api/FHIR/R4")
            .with("llm.source.vendor", "epic")
            .with("llm.source.patients", "group:llm");

    assertThatThrownBy(() -> AdapterConfig.from(epic))
        .hasMessageStartingWith("llm.source.vendor=epic: epic accepts no MeasureReport writes");
    assertThatThrownBy(
            () ->
                AdapterConfig.from(
                    epic.with(
                        "llm.publish.base-url", "https://FHIR.epic.example.org/api/FHIR/R4/")))
        .hasMessageStartingWith("llm.publish.base-url is the source server itself");
    assertThat(
            AdapterConfig.from(
                    epic.with("llm.publish.base-url", "https://registry.example.org/fhir/"))
                .publish()
                .baseUrl())
        .isEqualTo("https://registry.example.org/fhir");
    assertThat(AdapterConfig.from(epic.with("llm.publish.enabled", "false")).publish().enabled())
        .isFalse();
  }

  @Test
  void theStoreIsAnH2FileUnderTheDataFolderUnlessAUrlIsGiven() {
    AdapterConfig defaults = AdapterConfig.from(Settings.defaults());

    assertThat(defaults.store().url())
        .startsWith("jdbc:h2:file:")
        .contains("data")
        .endsWith(";AUTO_SERVER=TRUE");
    assertThatThrownBy(
            () ->
                AdapterConfig.from(
                    Settings.defaults().with("llm.store.url", "jdbc:mysql://db/llm")))
        .hasMessageStartingWith("Setting llm.store.url must be a jdbc:h2: or jdbc:postgresql: URL");
    assertThatThrownBy(
            () -> AdapterConfig.from(Settings.defaults().with("llm.sync.schedule", "0 2 * * *")))
        .hasMessageContaining("Quartz cron expression of 6 or 7 fields");
  }

  @Test
  void aBulkPullOnEpicExportsAGroupAndElsewhereMayNameItsPatients() {
    Settings epic =
        Settings.defaults()
            .with("llm.source.vendor", "epic")
            .with("llm.source.patients", "file:ids.txt")
            .with("llm.publish.enabled", "false");
    assertThatThrownBy(() -> AdapterConfig.from(epic.with("llm.source.mode", "bulk")))
        .hasMessageStartingWith("llm.source.mode=bulk on Epic exports a Group's patients")
        .hasMessageContaining("group:ID");
    assertThat(
            AdapterConfig.from(Settings.defaults().with("llm.source.mode", "bulk")).source().bulk())
        .isTrue();
    assertThatThrownBy(
            () -> AdapterConfig.from(Settings.defaults().with("llm.source.mode", "ndjson")))
        .hasMessage("Setting llm.source.mode must be search or bulk, but is 'ndjson'");
    assertThat(
            AdapterConfig.from(
                    Settings.defaults()
                        .with("llm.source.mode", "bulk")
                        .with("llm.source.patients", "group:llm"))
                .source()
                .bulk())
        .isTrue();
  }
}
