package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.routes.SyncServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the sync as a long-running service, on a schedule, with health and metrics. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the registry sync as a service: one sync at start-up, then on llm.sync.schedule (Quartz cron, UTC),"
          + " each as `sync` does it. Health (last sync, its age, the next run) at /observe/health and Prometheus"
          + " metrics at /observe/metrics on llm.serve.host:llm.serve.port (loopback by default). Stops on SIGTERM"
          + " or Ctrl-C."
    })
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "Port of health and metrics (default: llm.serve.port).")
  Integer port;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = serverOptions.applyTo(settingsOptions.load());
    if (port != null) {
      settings = settings.with("llm.serve.port", port.toString());
    }
    SyncServer server = SyncServer.start(FhirContext.forR4Cached(), settings);
    PrintWriter out = spec.commandLine().getOut();
    String base = "http://" + settings.get("llm.serve.host") + ":" + settings.get("llm.serve.port");
    out.println(
        "Serving: syncs on '"
            + settings.get("llm.sync.schedule")
            + "' (UTC); health "
            + base
            + "/observe/health, metrics "
            + base
            + "/observe/metrics. Stop with Ctrl-C.");
    out.flush();
    server.await();
    return 0;
  }
}
