package org.llmfhiradapter.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.sandbox.SandboxServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sandbox}: only the embedded FHIR server, seeded, until stopped. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded FHIR R4 server on a loopback port, seed it with the fixtures, print its base URL and"
          + " serve until stopped (Ctrl-C). Point `run --base-url`, curl or a browser at it."
    })
final class SandboxCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "P", description = "Loopback port (default: llm.sandbox.port; 0 = any free).")
  Integer port;

  @Option(
      names = "--empty",
      description = "Seed nothing: a server with no patients, e.g. a stand-in registry for `sync --publish-url`.")
  boolean empty;

  @Mixin SandboxOptions sandboxOptions;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = settingsOptions.load();
    if (port != null) {
      settings = settings.with("llm.sandbox.port", port.toString());
    }
    settings = sandboxOptions.applyTo(settings);
    AdapterConfig config = AdapterConfig.from(settings);
    PrintWriter out = spec.commandLine().getOut();
    SandboxServer server =
        empty
            ? Sandboxes.startEmpty(config.sandbox(), spec.commandLine().getErr())
            : Sandboxes.startSeeded(config.sandbox(), spec.commandLine().getErr());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sandbox-shutdown"));
    out.println(server.baseUrl());
    out.println("Serving until stopped (Ctrl-C). Try: curl '" + server.baseUrl() + "/Patient?_count=5'");
    out.flush();
    server.join();
    return 0;
  }
}
