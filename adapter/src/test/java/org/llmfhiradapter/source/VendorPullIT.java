package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;
import org.llmfhiradapter.sandbox.VendorPersonality;

/**
 * The embedded server behaving like Epic or like Cerner (required search parameters enforced,
 * Epic's outcome entries, Cerner's bundles without totals or search modes, each vendor's codings):
 * the pull follows each vendor's rules and gets the same cohort as from plain R4.
 */
@ExtendWith(SharedSandbox.class)
class VendorPullIT {

  private SandboxServer server;

  @AfterEach
  void plainAgain() {
    server.personality(VendorPersonality.Kind.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epic", "cerner"})
  void theVendorPathPullsTheWholeCohortFromAServerWithThatVendorsRules(
      String vendor, @TempDir Path out) throws Exception {
    SandboxData.reset(server);
    JsonNode plain = SandboxData.pulledAs(server, "generic", 500, out.resolve("plain"));
    SandboxData.reset(server);
    JsonNode viaVendor = SandboxData.pulledAs(server, vendor, 500, out.resolve(vendor));

    assertThat(viaVendor.get("cohort")).isEqualTo(plain.get("cohort"));
    assertThat(viaVendor.get("os")).isEqualTo(plain.get("os"));
    assertThat(viaVendor.get("factors")).isEqualTo(plain.get("factors"));
  }

  @Test
  void aPatientListInAFileIsPulledToo(SandboxServer server, @TempDir Path out) throws Exception {
    this.server = server;
    SandboxData.reset(server);
    new FixtureSeeder(ca.uhn.fhir.context.FhirContext.forR4Cached(), Flavor.EPIC)
        .seed(server.baseUrl(), SandboxData.FIXTURES.resolve("small"));
    server.personality(VendorPersonality.Kind.EPIC);
    Path list =
        Files.writeString(
            out.resolve("patients.txt"), "# registry extract\nd001\nPatient/d002\n\nd012\n");

    CliRun run =
        CliRun.job(
            server.baseUrl(),
            out.toString(),
            "--set",
            "llm.source.vendor=epic",
            "--set",
            "llm.source.patients=file:" + list,
            "--set",
            "llm.publish.enabled=false");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Patients pulled: 3, included: 2, excluded: 1");
  }

  @Test
  void aGenericPullOfAnEpicServerFailsWithTheServersReason(
      SandboxServer server, @TempDir Path out) {
    this.server = server;
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
    server.personality(VendorPersonality.Kind.EPIC);

    CliRun run =
        CliRun.of("run", "--base-url", server.baseUrl(), "--set", "llm.pipeline.routes=../routes");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("answered HTTP 400")
        .contains("Condition search requires the patient parameter");
  }

  @Test
  void anEhrVendorWithoutAPatientListIsAConfigurationError() {
    CliRun run =
        CliRun.of(
            "run", "--base-url", "http://127.0.0.1:1/fhir", "--set", "llm.source.vendor=cerner");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("llm.source.vendor=cerner requires `patient` on every search")
        .contains("llm.source.patients");
  }

  @org.junit.jupiter.api.BeforeEach
  void server(SandboxServer server) {
    this.server = server;
  }
}
