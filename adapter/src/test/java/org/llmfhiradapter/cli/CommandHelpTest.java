package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandHelpTest {

  @ParameterizedTest
  @ValueSource(strings = {"demo", "run", "sandbox"})
  void everyJobCommandExplainsItselfAndItsSettingsWithHelp(String command) {
    CliRun run = CliRun.of(command, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("Usage: llm-fhir-adapter " + command)
        .contains("--set=KEY=VALUE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"analyze", "validate", "jwks", "bench", "bench validate", "bench pull"})
  void everyOtherCommandExplainsItselfWithHelp(String command) {
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.add("--help");

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: llm-fhir-adapter " + command);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--no-such-option", "--set=llm.source.page-size"})
  void aMistypedCommandLineIsAUsageErrorWithExitCode2(String option) {
    CliRun run = CliRun.of("run", option);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"nosuchcommand --help", "nosuchcommand", "rn --base-url http://127.0.0.1:1/fhir"})
  void anUnknownCommandIsAnErrorEvenWithHelp(String line) {
    CliRun run = CliRun.of(line.split(" "));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip())
        .isEqualTo(
            "error: Unknown command '" + line.split(" ")[0] + "' (see: llm-fhir-adapter --help)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http//127.0.0.1:8080/fhir",
        "127.0.0.1:8080/fhir",
        "fhir.example.org",
        "ftp://host/fhir",
        "http://host/fhir?_count=5",
        "http://host/fhir path"
      })
  void aBaseUrlThatCannotBeOneIsABadSettingAtOnce(String url) {
    CliRun run = CliRun.of("run", "--base-url", url);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: Setting llm.source.base-url (--base-url) ")
                    .contains("a FHIR base URL looks like https://"));
    assertThat(run.err()).as("no request was tried").doesNotContain("attempt");
  }

  @org.junit.jupiter.api.Test
  void aBaseUrlWithAPasswordInItIsRefusedWithoutRepeatingIt() {
    CliRun run = CliRun.of("run", "--base-url", "https://user:s3cret@fhir.example.org/R4");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("holds a user name or password").doesNotContain("s3cret");
  }

  @org.junit.jupiter.api.Test
  void runWithoutAServerSaysSoAsABadSetting() {
    CliRun run = CliRun.of("run");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "error: No FHIR server given: use run --base-url URL or set llm.source.base-url");
  }

  @org.junit.jupiter.api.Test
  void aBadSettingIsOneLineAndExitCode2() {
    CliRun run =
        CliRun.of(
            "run", "--base-url", "http://127.0.0.1:1/fhir", "--set", "llm.source.page-size=zero");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "error: Setting llm.source.page-size must be a whole number, but is 'zero' (env LLM_SOURCE_PAGE_SIZE)");
  }

  @org.junit.jupiter.api.Test
  void aValueOfTheWrongTypeIsOneLineNamingTheOptionAndWhereHelpIs() {
    CliRun run =
        CliRun.of("analyze", "--event-value", "x", "--csv", "a.csv", "--time", "t", "--event", "e");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith(
                        "error: Invalid value for option '--event-value': 'x' is not a double")
                    .endsWith("(see: llm-fhir-adapter analyze --help)"));
  }

  @org.junit.jupiter.api.Test
  void aPlotFormatThatIsNoneOfSvgPngAndPdfIsRefusedBeforeTheJobStarts() {
    CliRun run =
        CliRun.of(
            "run",
            "--base-url",
            "http://127.0.0.1:1/fhir",
            "--out",
            "out",
            "--plot-format",
            "svg,jpg");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("'--plot-format'")
                    .contains("'jpg' is none of svg, png and pdf"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "false", "no", "off", " "})
  void llmDebugSetToZeroEmptyOrFalseMeansNoStackTraces(String value) {
    assertThat(Main.debug(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "yes"})
  void llmDebugSetToAnythingElseMeansStackTraces(String value) {
    assertThat(Main.debug(value)).isTrue();
  }
}
