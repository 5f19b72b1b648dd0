package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.config.ConfigException;

/**
 * What `demo` and `sandbox` check before the embedded server's half-minute start (tests run in
 * adapter/).
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
}
