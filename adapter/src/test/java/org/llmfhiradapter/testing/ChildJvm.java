package org.llmfhiradapter.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the adapter's {@code Main} in a JVM of its own, for tests that must kill,
 * stop or starve it as cron, Kubernetes or a small container would.
 */
public final class ChildJvm {

  /**
   * The options the launcher gives the commands a person waits for (first JIT tier, serial
   * collector), for a child that only has to get somewhere to be killed or stopped: on 2 cores the
   * optimising compiler competes with the test's servers for seconds there. Not for a child that
   * works through hundreds of megabytes, where it pays off as in production.
   */
  private static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChildJvm() {}

  /** {@link #QUICK_START} and then {@code more} (e.g. a heap limit). */
  public static List<String> quickStart(String... more) {
    List<String> options = new ArrayList<>(QUICK_START);
    options.addAll(List.of(more));
    return options;
  }

  /**
   * {@code java} with {@code jvmOptions} (e.g. a heap limit), the test class path and {@code args}.
   */
  public static List<String> command(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add("org.llmfhiradapter.cli.Main");
    command.addAll(List.of(args));
    return command;
  }
}
