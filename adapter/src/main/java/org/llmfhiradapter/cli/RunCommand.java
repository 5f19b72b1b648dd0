package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.routes.PipelineRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the cohort job against any reachable FHIR R4 server. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Pull, map, analyze and publish against a FHIR R4 server: finds patients with a liver-metastasis"
          + " Condition, fetches their Patient, Conditions, Procedures and Observations, builds the cohort,"
          + " computes Kaplan-Meier overall survival and writes a MeasureReport back to the server."
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "FHIR base URL, e.g. http://127.0.0.1:8080/fhir (default: llm.source.base-url).")
  String baseUrl;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Also write the results into DIR: results.json, cohort.csv, exclusions.csv,"
          + " measurereport.json and Kaplan-Meier plots (km-*.svg).")
  Path outDir;

  @Option(
      names = "--allow-partial",
      description = "Go on without patients that cannot be fetched after the retries; list them in results.json.")
  boolean allowPartial;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = settingsOptions.load();
    if (allowPartial) {
      settings = settings.with("llm.pipeline.allow-partial", "true");
    }
    if (baseUrl != null) {
      settings = settings.with("llm.source.base-url", baseUrl);
    }
    StudyRun run = new PipelineRunner(FhirContext.forR4Cached()).run(settings);
    JobOutput.report(run, outDir, spec.commandLine().getOut());
    return 0;
  }
}
