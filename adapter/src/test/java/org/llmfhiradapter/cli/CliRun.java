package org.llmfhiradapter.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the command line in-process and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /**
   * {@code run --base-url BASE --out OUT} with the repository's routes (tests run in the module
   * folder), then {@code more} options.
   */
  public static CliRun job(String baseUrl, String out, String... more) {
    return of(jobArgs(baseUrl, out, more));
  }

  /** The arguments {@link #job} runs with (for a test that starts the job in a JVM of its own). */
  public static String[] jobArgs(String baseUrl, String out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--base-url",
                baseUrl,
                "--out",
                out,
                "--set",
                "llm.pipeline.routes=../routes"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
