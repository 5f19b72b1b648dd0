package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;

/**
 * What `demo` and `sandbox` check before the embedded server starts, and which server they start
 * (tests run in adapter/).
 */
class SandboxesTest {

  @Test
  void aFixtureFolderThatExistsIsUsedAsItIs() {
    Sandboxes.Fixtures fixtures = Sandboxes.Fixtures.of("../fixtures/small");

    assertThat(fixtures.folder()).isEqualTo(Path.of("../fixtures/small"));
    assertThat(fixtures.name()).isEqualTo("../fixtures/small");
  }

  @Test
  void theDefaultFixturesComeFromTheJarWhenRunOutsideTheRepository() throws Exception {
    assertThat(Path.of("fixtures/paper")).as("adapter/ has no fixtures folder").doesNotExist();

    Sandboxes.Fixtures fixtures = Sandboxes.Fixtures.of("fixtures/paper");

    assertThat(fixtures.name()).isEqualTo("fixtures/paper (packaged)");
    assertThat(Files.readString(fixtures.folder().resolve("cases.csv")))
        .isEqualTo(Files.readString(Path.of("../fixtures/paper/cases.csv")));
  }

  @Test
  void aFixtureFolderThatIsNeitherOnDiskNorPackagedIsABadSettingNamingBoth() {
    assertThatThrownBy(() -> Sandboxes.Fixtures.of("no-such-folder"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Fixture folder no-such-folder does not exist, and the jar packages no such folder")
        .hasMessageContaining("--fixtures");
  }

  @Test
  void aPortInUseIsABadSettingSaidBeforeTheServerStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> Sandboxes.requireFreePort(taken.getLocalPort()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .hasMessageContaining("--port");
    }
  }

  @Test
  void leftToAutoTheDemoKeepsItsResourcesInMemoryAndADatabaseMeansHapiJpa() {
    AdapterConfig.Sandbox auto = sandbox(Settings.defaults());
    AdapterConfig.Sandbox onPostgres =
        sandbox(Settings.defaults().with("llm.sandbox.database-url", "jdbc:postgresql://h/db"));
    AdapterConfig.Sandbox jpa = sandbox(Settings.defaults().with("llm.sandbox.store", "jpa"));
    AdapterConfig.Sandbox memory = sandbox(Settings.defaults().with("llm.sandbox.store", "memory"));

    assertThat(auto.inMemory(true)).as("demo").isTrue();
    assertThat(auto.inMemory(false)).as("sandbox").isFalse();
    assertThat(onPostgres.inMemory(true)).isFalse();
    assertThat(jpa.inMemory(true)).isFalse();
    assertThat(memory.inMemory(false)).isTrue();
  }

  @Test
  void aStoreThatCannotServeTheSettingsIsABadSettingSaidBeforeAnyStart() {
    assertThatThrownBy(() -> sandbox(Settings.defaults().with("llm.sandbox.store", "h2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("llm.sandbox.store must be auto, memory or jpa, but is 'h2'");
    assertThatThrownBy(
            () ->
                sandbox(
                    Settings.defaults()
                        .with("llm.sandbox.store", "memory")
                        .with("llm.sandbox.database-url", "jdbc:postgresql://h/db")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not in llm.sandbox.database-url");

    CliRun bulk =
        CliRun.of("demo", "--set", "llm.sandbox.store=memory", "--set", "llm.source.mode=bulk");

    assertThat(bulk.exitCode()).isEqualTo(2);
    assertThat(bulk.err())
        .contains("llm.source.mode=bulk needs the sandbox's bulk export")
        .contains("llm.sandbox.store=jpa")
        .doesNotContain("Starting");
  }

  private static AdapterConfig.Sandbox sandbox(Settings settings) {
    return AdapterConfig.from(settings).sandbox();
  }
}
