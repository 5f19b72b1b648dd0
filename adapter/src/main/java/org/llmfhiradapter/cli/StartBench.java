package org.llmfhiradapter.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench start}: how long a new user waits. Each run starts fresh JVMs, as a user's command does: the
 * embedded server alone ({@code sandbox --empty}, until it says it is ready), the baseline, and {@code demo}
 * end to end (server, seeding, pull, analysis, publish). Reported: each time, the medians, and demo's median as a
 * ratio to the server's.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "demo end to end against the embedded server's start alone, in fresh JVMs (median of --runs).")
final class StartBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--runs", paramLabel = "N", description = "Runs of each (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--jvm-option", paramLabel = "OPT",
      description = "An option for the measured JVMs, e.g. -XX:TieredStopAtLevel=1 (repeatable), to weigh a lever.")
  List<String> jvmOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new BadInputException("--runs must be 1 or more");
    }
    PrintWriter out = new PrintWriter(spec.commandLine().getOut());
    out.printf(Locale.ROOT, "Fresh JVMs, %d run(s) each%s%n", runs,
        jvmOptions.isEmpty() ? "" : ", with " + String.join(" ", jvmOptions));
    out.flush();
    List<Double> server = new ArrayList<>();
    List<Double> demo = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      server.add(untilReady());
      demo.add(untilDone("demo"));
      out.printf(Locale.ROOT, "run %d: server start %.1f s, demo %.1f s%n", run, server.get(run - 1),
          demo.get(run - 1));
      out.flush();
    }
    double serverMedian = median(server);
    double demoMedian = median(demo);
    out.printf(Locale.ROOT, "median: server start %.1f s (baseline), demo %.1f s = %.2fx the server start%n",
        serverMedian, demoMedian, demoMedian / serverMedian);
    out.flush();
    return 0;
  }

  /** Seconds until a fresh {@code sandbox --empty} prints its base URL (it is ready); then it is stopped. */
  private double untilReady() throws Exception {
    long start = System.nanoTime();
    Process process = ChildJvm.of(jvmOptions, "sandbox", "--empty", "--port", "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      PullBench.readBaseUrl(process);
      return (System.nanoTime() - start) / 1e9;
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Seconds a fresh JVM takes to run the command to its end (exit 0 required). */
  private double untilDone(String... command) throws Exception {
    long start = System.nanoTime();
    Process process = ChildJvm.of(jvmOptions, command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
