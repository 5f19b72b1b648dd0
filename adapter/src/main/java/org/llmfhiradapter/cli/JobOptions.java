package org.llmfhiradapter.cli;

import java.nio.file.Path;
import org.llmfhiradapter.config.Settings;
import picocli.CommandLine.Option;

/** Options of the commands that run the cohort job: where its files go, and whether a patient may be missing. */
final class JobOptions {

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Also write the results into DIR: results.json, cohort.csv, exclusions.csv,"
          + " measurereport.json and Kaplan-Meier plots (km-*.svg).")
  Path outDir;

  @Option(
      names = "--allow-partial",
      description = "Go on without patients that cannot be fetched after the retries; list them in results.json"
          + " (a sync keeps their stored outcome and fetches them again next time).")
  boolean allowPartial;

  /** The settings with the options given on the command line winning. */
  Settings applyTo(Settings settings) {
    return allowPartial ? settings.with("llm.pipeline.allow-partial", "true") : settings;
  }
}
