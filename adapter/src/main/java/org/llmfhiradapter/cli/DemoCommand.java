package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.routes.PipelineRunner;
import org.llmfhiradapter.sandbox.SandboxServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole job on the embedded FHIR server, seeded with the fixtures. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded FHIR server, seed it with the fixtures (synthetic patients), run the cohort job"
          + " against it over HTTP, print the summary and stop. Nothing leaves this machine."
    })
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write results.json into DIR.")
  Path outDir;

  @Option(
      names = "--fixtures",
      paramLabel = "DIR",
      description = "Folder of case tables (*.csv) and Bundles (*.json) to seed (default: llm.sandbox.fixtures).")
  Path fixtures;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = settingsOptions.load();
    if (fixtures != null) {
      settings = settings.with("llm.sandbox.fixtures", fixtures.toString());
    }
    AdapterConfig config = AdapterConfig.from(settings);
    PrintWriter err = spec.commandLine().getErr();
    // The validator's set-up takes seconds of its own: do it while the server starts.
    java.util.concurrent.CompletableFuture<Void> validatorReady =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> org.llmfhiradapter.conformance.ProfileValidator.shared(FhirContext.forR4Cached()).warmUp());
    try (SandboxServer server = Sandboxes.startSeeded(config.sandbox(), err)) {
      validatorReady.join();
      StudyRun run =
          new PipelineRunner(FhirContext.forR4Cached()).run(settings.with("llm.source.base-url", server.baseUrl()));
      JobOutput.report(run, outDir, spec.commandLine().getOut());
    }
    return 0;
  }
}
