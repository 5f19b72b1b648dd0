package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.bench.ChildJvm;

/**
 * The launcher script the build puts beside the jar, run as a user runs it: which JVM options each
 * kind of command gets, and that the class archive the build made is one the JVM accepts (an
 * archive recorded with another class path is silently ignored, and the start is only slower, which
 * nothing else would notice).
 */
class LauncherScriptIT {

  private static final Path TARGET = Path.of("target");
  private static final Path LAUNCHER = TARGET.resolve(ChildJvm.LAUNCHER);

  /** The build was asked for no archive ({@code -Dllm.cds.skip=true}, passed on by failsafe). */
  private static final boolean ARCHIVE_SKIPPED = Boolean.getBoolean("llm.cds.skip");

  @Test
  void commandsAPersonWaitsForStartWithTheQuickCompilerAndTheSerialCollector() throws Exception {
    for (String command : List.of("demo", "sandbox", "analyze", "jwks")) {
      assertThat(flags(command, "--help"))
          .as(command)
          .contains("-XX:TieredStopAtLevel=1")
          .contains("-XX:+UseSerialGC");
    }
    assertThat(flags("--version")).contains("-XX:TieredStopAtLevel=1");
  }

  @Test
  void longUnattendedWorkKeepsTheJvmDefaults() throws Exception {
    for (String command : List.of("run", "validate", "sync", "serve", "bench")) {
      assertThat(flags(command, "--help"))
          .as(command)
          .doesNotContain("TieredStopAtLevel")
          .doesNotContain("-XX:+UseSerialGC");
    }
  }

  @Test
  void theJvmMapsTheClassArchiveTheBuildMade() throws Exception {
    Path archive = TARGET.resolve("llm-fhir-adapter.jsa");
    if (ARCHIVE_SKIPPED) {
      assertThat(archive).doesNotExist();
      return;
    }
    assertThat(archive).isRegularFile();
    String loading = launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info"), "--version").output();
    // Classes of the adapter and its libraries come out of the archive's dynamic (top) layer.
    assertThat(loading)
        .containsPattern("org\\.llmfhiradapter\\.cli\\.Main source: shared objects file \\(top\\)");
  }

  @Test
  void aCopiedFolderMakesItsOwnClassArchiveAtItsFirstDemo() throws Exception {
    Path copy = Files.createTempDirectory("llm-copy").toRealPath();
    for (String file : List.of(ChildJvm.LAUNCHER, "llm-fhir-adapter.jar")) {
      Files.copy(TARGET.resolve(file), copy.resolve(file));
    }
    // The libraries as they are (a link): Java reads them through it, and 300 MB stay uncopied.
    Files.createSymbolicLink(copy.resolve("lib"), TARGET.resolve("lib").toAbsolutePath());
    if (ARCHIVE_SKIPPED) {
      // No archive to copy: nothing to remake either, and the demo runs without one.
      assertThat(run(command(copy, "demo"), Map.of(), copy).exit()).isZero();
      assertThat(copy.resolve("llm-fhir-adapter.jsa")).doesNotExist();
      return;
    }
    for (String file : List.of("llm-fhir-adapter.jsa", "llm-fhir-adapter.jsa.home")) {
      Files.copy(TARGET.resolve(file), copy.resolve(file));
    }
    Map<String, String> classLoading = Map.of("JAVA_OPTS", "-Xlog:class+load=info");
    assertThat(run(command(copy, "--version"), classLoading, copy).output())
        .as("Java 17 maps an archive only in the folder it was made for")
        .contains("org.llmfhiradapter.cli.Main source: file:");

    Result demo = run(command(copy, "demo"), Map.of(), copy);

    assertThat(demo.exit()).as(demo.output()).isZero();
    assertThat(demo.output())
        .contains("this demo also makes one for " + copy)
        .contains("Patients pulled: 54")
        .doesNotContain("[warning]");
    assertThat(copy.resolve("llm-fhir-adapter.jsa.home")).hasContent(copy.toString());
    assertThat(run(command(copy, "--version"), classLoading, copy).output())
        .containsPattern("org\\.llmfhiradapter\\.cli\\.Main source: shared objects file \\(top\\)");
    assertThat(copy).isDirectoryNotContaining("glob:**/llm-fhir-adapter.jsa.*[0-9]");
  }

  private static List<String> command(Path folder, String... args) {
    List<String> command =
        new ArrayList<>(List.of("sh", folder.resolve(ChildJvm.LAUNCHER).toString()));
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void javaOptsComeLastSoThatTheUserWins() throws Exception {
    String flags =
        launch(
                Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:TieredStopAtLevel=4"),
                "--version")
            .output();
    assertThat(flags)
        .contains("-XX:TieredStopAtLevel=4")
        .doesNotContain("-XX:TieredStopAtLevel=1 ");
  }

  @Test
  void worksThroughASymbolicLinkFromAnotherFolder() throws Exception {
    Path bin = Files.createTempDirectory("llm-bin");
    Path link =
        Files.createSymbolicLink(bin.resolve("llm-fhir-adapter"), LAUNCHER.toAbsolutePath());
    Result result = run(List.of("sh", link.toString(), "--version"), Map.of(), bin);
    assertThat(result.exit()).isZero();
    assertThat(result.output()).contains("llm-fhir-adapter");
  }

  private static String flags(String... args) throws Exception {
    Result result = launch(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags"), args);
    assertThat(result.exit()).as(String.join(" ", args)).isZero();
    return result.output().lines().filter(line -> line.startsWith("-XX:")).findFirst().orElse("")
        + " ";
  }

  private static Result launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(command, env, Path.of("."));
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Map<String, String> env, Path folder)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
