package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.routes.SyncRunner;
import org.llmfhiradapter.store.SyncCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sync}: one incremental registry sync, then exit (for cron and Kubernetes CronJobs). */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "One incremental sync, then exit: fetch only the patients that are new or changed since the last sync,"
          + " keep every patient's outcome in the cohort store (llm.store.url; an H2 file under data/ by default),"
          + " analyse the whole stored cohort and publish it to llm.publish.base-url. The watermark moves only"
          + " after the publish succeeded. Exit code 3: another sync is running (nothing was done)."
    })
final class SyncCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--full",
      description =
          "Fetch every candidate, whatever changed (finds resources deleted on the server).")
  boolean full;

  @Mixin ServerOptions serverOptions;

  @Mixin JobOptions jobOptions;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = jobOptions.applyTo(serverOptions.applyTo(settingsOptions.load()));
    SyncRunner.SyncResult result = new SyncRunner(FhirContext.forR4Cached()).sync(settings, full);
    PrintWriter out = spec.commandLine().getOut();
    SyncCounts c = result.counts();
    out.printf(
        "Sync run %d (%s): %d candidates; fetched %d (%d new, %d changed, %d unchanged); %d removed%n",
        result.runId(),
        result.mode(),
        c.candidates(),
        c.fetched(),
        c.added(),
        c.changed(),
        c.unchanged(),
        c.removed());
    JobOutput.report(result.run(), jobOptions, out);
    return 0;
  }
}
