package org.llmfhiradapter.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench start}: how long a new user waits. Each run starts fresh JVMs, as a user's command
 * does, two ways: {@code java -jar} with the JVM's defaults (the baseline) and the launcher script
 * the build puts beside the jar (its start-up options and class archive). Each way: the embedded
 * HAPI JPA server alone ({@code sandbox --empty}, until it says it is ready) and {@code demo} end
 * to end (its in-memory server, seeding, pull, analysis, publish); the launcher also runs the demo
 * on HAPI JPA, the baseline of the in-memory store. The ways take turns within a run, so that a
 * machine slowing down weighs on both. Reported: each time, the medians, and the launcher's medians
 * as ratios to the baseline's.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description =
        "demo end to end and the embedded server's start alone, in fresh JVMs, by `java -jar` (the"
            + " baseline) and by the launcher script beside the jar, which also runs the demo on"
            + " HAPI JPA (median of --runs).")
final class StartBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description = "Runs of each (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--jvm-option",
      paramLabel = "OPT",
      description =
          "An option for every measured JVM, e.g. -XX:+UseParallelGC (repeatable), to weigh a lever.")
  List<String> jvmOptions = new ArrayList<>();

  /**
   * One way of starting the adapter: the commands' times, run after run ({@code demoOnJpa}: the
   * launcher's only).
   */
  private record Way(String name, List<Double> server, List<Double> demo, List<Double> demoOnJpa) {
    Way(String name) {
      this(name, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new ParameterException(spec.commandLine(), "--runs must be 1 or more");
    }
    Optional<Path> launcher = ChildJvm.launcher();
    PrintWriter out = new PrintWriter(spec.commandLine().getOut());
    out.printf(
        Locale.ROOT,
        "Fresh JVMs, %d run(s) each%s%n",
        runs,
        jvmOptions.isEmpty() ? "" : ", with " + String.join(" ", jvmOptions));
    if (launcher.isEmpty()) {
      out.println(
          "No launcher beside the jar (run bench start with java -jar adapter/target/llm-fhir-adapter.jar"
              + " after mvn package): the baseline only.");
    }
    out.flush();
    Way baseline = new Way("java -jar");
    Way script = new Way(ChildJvm.LAUNCHER);
    for (int run = 1; run <= runs; run++) {
      measure(baseline, args -> ChildJvm.of(spec, jvmOptions, args), false, run, out);
      if (launcher.isPresent()) {
        measure(
            script, args -> ChildJvm.viaLauncher(launcher.get(), jvmOptions, args), true, run, out);
      }
    }
    out.printf(
        Locale.ROOT,
        "median %-17s server start %5.1f s, demo %5.1f s (baseline)%n",
        baseline.name(),
        median(baseline.server()),
        median(baseline.demo()));
    if (launcher.isPresent()) {
      out.printf(
          Locale.ROOT,
          "median %-17s server start %5.1f s, demo %5.1f s = %.2fx and %.2fx the baseline%n",
          script.name(),
          median(script.server()),
          median(script.demo()),
          median(script.server()) / median(baseline.server()),
          median(script.demo()) / median(baseline.demo()));
      out.printf(
          Locale.ROOT,
          "median %-17s demo on HAPI JPA %5.1f s: the in-memory store's demo takes %.2fx of it%n",
          script.name(),
          median(script.demoOnJpa()),
          median(script.demo()) / median(script.demoOnJpa()));
    }
    out.flush();
    return 0;
  }

  private interface Launch {
    ProcessBuilder of(String... args);
  }

  /**
   * @param onJpaToo also the demo on HAPI JPA ({@code llm.sandbox.store=jpa}, the server the demo
   *     used before the in-memory store): the same run's baseline for the store
   */
  private static void measure(Way way, Launch launch, boolean onJpaToo, int run, PrintWriter out)
      throws Exception {
    way.server().add(untilReady(launch));
    way.demo().add(untilDone(launch, "demo"));
    if (onJpaToo) {
      way.demoOnJpa().add(untilDone(launch, "demo", "--set", "llm.sandbox.store=jpa"));
    }
    out.printf(
        Locale.ROOT,
        "run %d %-17s server start %5.1f s, demo %5.1f s%s%n",
        run,
        way.name(),
        way.server().get(run - 1),
        way.demo().get(run - 1),
        onJpaToo
            ? String.format(Locale.ROOT, ", demo on HAPI JPA %5.1f s", way.demoOnJpa().get(run - 1))
            : "");
    out.flush();
  }

  /**
   * Seconds until a fresh {@code sandbox --empty} prints its base URL (it is ready); then it is
   * stopped.
   */
  private static double untilReady(Launch launch) throws Exception {
    long start = System.nanoTime();
    Process process =
        launch
            .of("sandbox", "--empty", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      PullBench.readBaseUrl(process);
      return (System.nanoTime() - start) / 1e9;
    } finally {
      // The launcher execs java, so the process is the JVM itself.
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Seconds a fresh JVM takes to run the command to its end (exit 0 required). */
  private static double untilDone(Launch launch, String... command) throws Exception {
    long start = System.nanoTime();
    Process process =
        launch
            .of(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
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
