package org.llmfhiradapter.cli;

import java.util.Locale;
import java.util.Set;
import org.llmfhiradapter.bench.BenchCommand;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.survival.SurvivalDataException;
import org.llmfhiradapter.table.TableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar llm-fhir-adapter.jar}. */
@Command(
    name = "llm-fhir-adapter",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Builds the leiomyosarcoma-liver-metastases (LLM) survival cohort from FHIR R4 servers: pulls patients,"
          + " maps them to case records, runs Kaplan-Meier, and publishes MeasureReports."
    },
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      SyncCommand.class,
      ServeCommand.class,
      SandboxCommand.class,
      AnalyzeCommand.class,
      ValidateCommand.class,
      BenchCommand.class,
      JwksCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  /** Exit code for a run that failed (server unreachable, write refused). */
  public static final int EXIT_FAILURE = 1;

  /**
   * Exit code for unusable input (bad option, bad configuration, malformed file), as picocli uses
   * for usage.
   */
  public static final int EXIT_BAD_INPUT = 2;

  /** Exit code for a sync that did not start because another one holds the lock. */
  public static final int EXIT_LOCKED = 3;

  public static void main(String[] args) {
    // A command-line tool opens no window: PNG and PDF plots draw off-screen even where DISPLAY is
    // set but no X server answers (an ssh session with forwarding left on).
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    System.exit(execute(args));
  }

  /**
   * Whether stack traces are wanted: {@code -Dllm.debug=true}, or LLM_DEBUG set to anything but
   * empty, 0, false or no (so that {@code LLM_DEBUG=0} switches them off, as it reads).
   */
  static boolean debug(String env) {
    if (Boolean.getBoolean("llm.debug")) {
      return true;
    }
    return env != null
        && !env.isBlank()
        && !Set.of("0", "false", "no", "off").contains(env.strip().toLowerCase(Locale.ROOT));
  }

  /** Runs a command line and returns its exit code. */
  public static int execute(String... args) {
    return execute(
        new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /**
   * Runs a command line with its output and errors going to the given writers (tests capture them).
   */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    // Initialize logging once, before commands start threads (else SLF4J warns about replayed
    // calls).
    org.slf4j.LoggerFactory.getILoggerFactory();
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          boolean badInput =
              e instanceof ConfigException
                  || e instanceof TableException
                  || e instanceof SurvivalDataException
                  || e instanceof BadInputException
                  || e instanceof org.llmfhiradapter.analysis.csv.AnalysisInputException
                  || e instanceof org.llmfhiradapter.conformance.UnusableInputException;
          cmd.getErr().println("error: " + ErrorMessages.oneLine(e));
          if (debug(System.getenv("LLM_DEBUG"))) {
            e.printStackTrace(cmd.getErr());
          }
          if (e instanceof org.llmfhiradapter.store.SyncLockedException) {
            return EXIT_LOCKED;
          }
          return badInput ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
    // A mistyped command line is one line and the way to help, not the whole usage text.
    commandLine.setParameterExceptionHandler(
        (e, args1) -> {
          String command = e.getCommandLine().getCommandSpec().qualifiedName(" ");
          e.getCommandLine()
              .getErr()
              .println("error: " + ErrorMessages.oneLine(e) + " (see: " + command + " --help)");
          return EXIT_BAD_INPUT;
        });
    // Picocli prints the top help for "nosuchcommand --help" and exits 0, which a script takes for
    // success.
    if (args.length > 0
        && !args[0].startsWith("-")
        && !commandLine.getSubcommands().containsKey(args[0])) {
      err.println("error: Unknown command '" + args[0] + "' (see: llm-fhir-adapter --help)");
      err.flush();
      return EXIT_BAD_INPUT;
    }
    try {
      return commandLine.execute(args);
    } catch (OutOfMemoryError e) {
      // Picocli hands only exceptions to the handler above; an error thrown on the command's own
      // thread would end the JVM with a stack trace.
      err.println("error: " + ErrorMessages.oneLine(e));
      err.flush();
      return EXIT_FAILURE;
    }
  }
}
