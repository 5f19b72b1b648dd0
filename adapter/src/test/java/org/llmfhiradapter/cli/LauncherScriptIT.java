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
  void aCopiedFolderRemakesItsClassArchiveAtItsFirstDemoAndUsesItAfterwards() throws Exception {
    // Java 17 maps an archive only at the path it was recorded with (checked by hand: a copied
    // folder's demo took 38.5 s instead of 25). What the script decides is checked here with a
    // `java` that records its arguments and writes the archive it is asked for; that the JVM maps
    // an archive made this way is theJvmMapsTheClassArchiveTheBuildMade's part.
    Path copy = Files.createTempDirectory("llm-copy").toRealPath();
    Files.copy(LAUNCHER, copy.resolve(ChildJvm.LAUNCHER));
    Path jar = Files.writeString(copy.resolve("llm-fhir-adapter.jar"), "jar");
    Path archive = Files.writeString(copy.resolve("llm-fhir-adapter.jsa"), "made elsewhere");
    Path madeFor = Files.writeString(copy.resolve("llm-fhir-adapter.jsa.home"), "/elsewhere\n");
    Path javaHome = recordingJava(copy.resolve("jdk"));
    Path calls = copy.resolve("jdk/calls");
    Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString());

    assertThat(run(command(copy, "--version"), env, copy).exit()).isZero();
    assertThat(lastCall(calls)).doesNotContain("SharedArchiveFile", "ArchiveClassesAtExit");
    assertThat(archive).hasContent("made elsewhere");

    Result first = run(command(copy, "demo"), env, copy);

    assertThat(first.exit()).isZero();
    assertThat(first.output()).contains("this demo also makes one for " + copy);
    assertThat(lastCall(calls))
        .contains("-XX:ArchiveClassesAtExit=" + archive + ".")
        .contains("-jar " + jar + " demo");
    assertThat(archive).hasContent("archive of this run");
    assertThat(madeFor).hasContent(copy.toString());
    assertThat(copy).isDirectoryNotContaining("glob:**/llm-fhir-adapter.jsa.[0-9]*");

    Result second = run(command(copy, "demo"), env, copy);

    assertThat(second.output()).doesNotContain("makes one");
    assertThat(lastCall(calls))
        .contains("-XX:SharedArchiveFile=" + archive)
        .doesNotContain("ArchiveClassesAtExit");

    // A jar rebuilt after the archive (-Dllm.cds.skip=true leaves the old one): made again.
    Files.setLastModifiedTime(
        jar,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(archive).toMillis() + 60_000));
    // A demo that fails keeps the archive there was, leaves no half-written one, and its exit code.
    Result failed =
        run(command(copy, "demo"), Map.of("JAVA_HOME", javaHome.toString(), "FAIL", "3"), copy);

    assertThat(failed.exit()).isEqualTo(3);
    assertThat(lastCall(calls)).contains("-XX:ArchiveClassesAtExit=");
    assertThat(archive).hasContent("archive of this run");
    assertThat(copy).isDirectoryNotContaining("glob:**/llm-fhir-adapter.jsa.[0-9]*");
  }

  /** A JDK whose `java` appends its arguments to `calls` and writes an archive when asked. */
  private static Path recordingJava(Path home) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path java =
        Files.writeString(
            bin.resolve("java"),
            String.join(
                "\n",
                "#!/bin/sh",
                "echo \"$*\" >> \"" + home.resolve("calls") + "\"",
                "for arg; do",
                "  case $arg in -XX:ArchiveClassesAtExit=*)"
                    + " printf 'archive of this run' > \"${arg#*=}\" ;; esac",
                "done",
                "exit \"${FAIL:-0}\"",
                ""));
    assertThat(java.toFile().setExecutable(true)).isTrue();
    return home;
  }

  private static String lastCall(Path calls) throws IOException {
    List<String> lines = Files.readAllLines(calls);
    return lines.get(lines.size() - 1);
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
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
