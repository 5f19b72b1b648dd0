package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.routes.PipelineRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code run}: the cohort job against any reachable FHIR R4 server. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Pull, map, analyze and publish against a FHIR R4 server: finds patients with a liver-metastasis"
          + " Condition, fetches their Patient, Conditions, Procedures and Observations, builds the cohort,"
          + " computes Kaplan-Meier overall survival and writes a MeasureReport to the server, or to the registry"
          + " given by --publish-url."
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin JobOptions jobOptions;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = jobOptions.applyTo(serverOptions.applyTo(settingsOptions.load()));
    StudyRun run = new PipelineRunner(FhirContext.forR4Cached()).run(settings);
    JobOutput.report(run, jobOptions, spec.commandLine().getOut());
    return 0;
  }
}
