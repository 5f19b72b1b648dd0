package org.llmfhiradapter.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * This adapter's command line in a JVM of its own, on this one's java and class path: benchmarks measure a fresh
 * start that way, or keep an embedded server's heap apart from the one they measure.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** {@code java <jvmOptions> -cp <this class path> Main <args>}, not started. */
  static ProcessBuilder of(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
