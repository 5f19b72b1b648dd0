package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.routes.PipelineRunner;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  @Mixin JobOptions jobOptions;

  @Mixin SandboxOptions sandboxOptions;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = jobOptions.applyTo(settingsOptions.load());
    settings = sandboxOptions.applyTo(settings);
    AdapterConfig config = AdapterConfig.from(settings);
    PrintWriter err = spec.commandLine().getErr();
    // The demo's searches are all the in-memory store needs, and it starts in a second or two
    // instead of HAPI JPA's ten or more; a bulk pull needs JPA's export.
    boolean inMemory = config.sandbox().inMemory(!config.source().bulk());
    if (inMemory && config.source().bulk()) {
      throw new ConfigException(
          "llm.source.mode=bulk needs the sandbox's bulk export, which llm.sandbox.store=memory"
              + " does not serve: set llm.sandbox.store=jpa (or auto)");
    }
    // The validator's set-up takes seconds of its own: do it while the server starts.
    java.util.concurrent.CompletableFuture<Void> validatorReady =
        java.util.concurrent.CompletableFuture.runAsync(
            () ->
                org.llmfhiradapter.conformance.ProfileValidator.shared(FhirContext.forR4Cached())
                    .warmUp());
    try (SandboxServer server = Sandboxes.startSeeded(config.sandbox(), inMemory, err)) {
      validatorReady.join();
      err.println(
          "The patients are SYNTHETIC ("
              + config.sandbox().fixtures()
              + "): invented to reproduce the"
              + " published study, no real person's data.");
      err.flush();
      Settings job = settings.with("llm.source.base-url", server.baseUrl());
      if (config.sandbox().personality().equals("none")) {
        StudyRun run = new PipelineRunner(FhirContext.forR4Cached()).run(job);
        JobOutput.report(run, jobOptions, spec.commandLine().getOut());
        return 0;
      }
      // Pull as from that EHR: its search rules, and the candidates from a list (a Group), not a
      // search. The EHR takes no MeasureReport: the results go to a second, empty server standing
      // in for a registry.
      job =
          job.with("llm.source.vendor", config.sandbox().personality())
              .with("llm.source.patients", "group:" + FixtureSeeder.CANDIDATES_GROUP);
      boolean publishing = AdapterConfig.from(settings).publish().enabled();
      try (SandboxServer registry =
          publishing
              ? Sandboxes.startEmpty(
                  new AdapterConfig.Sandbox(0, "", "mcode", "none", ""), inMemory, err)
              : null) {
        if (registry != null) {
          job = job.with("llm.publish.base-url", registry.baseUrl());
        }
        StudyRun run = new PipelineRunner(FhirContext.forR4Cached()).run(job);
        JobOutput.report(run, jobOptions, spec.commandLine().getOut());
      }
    }
    return 0;
  }
}
