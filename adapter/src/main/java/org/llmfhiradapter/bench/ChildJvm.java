package org.llmfhiradapter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * This adapter's command line in a JVM of its own, on this one's java and class path: benchmarks
 * measure a fresh start that way, or keep an embedded server's heap apart from the one they
 * measure.
 */
public final class ChildJvm {

  /** The launcher script the build writes beside the jar ({@code src/main/dist}). */
  public static final String LAUNCHER = "llm-fhir-adapter";

  private ChildJvm() {}

  /**
   * {@code java <jvmOptions> -cp <this class path> <main class> <args>}, not started; the main
   * class is the one whose command line this bench runs under ({@code spec}'s root).
   */
  static ProcessBuilder of(CommandSpec spec, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            spec.root().userObject().getClass().getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /**
   * {@code <launcher> <args>} as a user types it, on this JVM's Java, with {@code jvmOptions} in
   * {@code JAVA_OPTS}; not started.
   */
  static ProcessBuilder viaLauncher(Path launcher, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(List.of("sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("JAVA_OPTS", String.join(" ", jvmOptions));
    return builder;
  }

  /**
   * The launcher beside the jar this JVM runs from; empty when it runs from classes (an IDE, the
   * tests).
   */
  static Optional<Path> launcher() {
    String classPath = System.getProperty("java.class.path");
    if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
      return Optional.empty();
    }
    Path script = Path.of(classPath).toAbsolutePath().resolveSibling(LAUNCHER);
    return Files.isRegularFile(script) ? Optional.of(script) : Optional.empty();
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
