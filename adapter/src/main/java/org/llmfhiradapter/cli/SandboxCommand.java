package org.llmfhiradapter.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SmartAuthorization;
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

  /**
   * As Epic's and Cerner's: five minutes, so that a long pull renews its token as it will there.
   */
  static final java.time.Duration TOKEN_LIFE = java.time.Duration.ofMinutes(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "Loopback port (default: llm.sandbox.port; 0 = any free).")
  Integer port;

  @Option(
      names = "--empty",
      description =
          "Seed nothing: a server with no patients, e.g. a stand-in registry for `sync --publish-url`.")
  boolean empty;

  @Option(
      names = "--auth",
      paramLabel = "none|smart",
      description =
          "smart: act as an EHR with SMART Backend Services, tokens required (default: llm.sandbox.auth).")
  String auth;

  @Option(
      names = "--jwks",
      paramLabel = "FILE|URL",
      description =
          "With --auth smart: the client's public JWK Set, a file as `jwks` prints it or an http(s) URL.")
  String jwks;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description = "With --auth smart: the client's id.")
  String clientId;

  @Mixin SandboxOptions sandboxOptions;

  @Mixin SettingsOptions settingsOptions;

  @Override
  public Integer call() throws Exception {
    Settings settings = settingsOptions.load();
    if (port != null) {
      settings = settings.with("llm.sandbox.port", port.toString());
    }
    settings = sandboxOptions.applyTo(settings);
    if (auth != null) {
      settings = settings.with("llm.sandbox.auth", auth);
    }
    if (jwks != null) {
      settings = settings.with("llm.sandbox.jwks", jwks);
    }
    if (clientId != null) {
      settings = settings.with("llm.sandbox.client-id", clientId);
    }
    AdapterConfig config = AdapterConfig.from(settings);
    // The keys are read before the server's half-minute start: a wrong path is said at once.
    SmartAuthorization smart =
        config.sandbox().smart()
            ? SmartAuthorization.forClient(
                config.sandbox().clientId(), config.sandbox().jwks(), TOKEN_LIFE)
            : null;
    PrintWriter out = spec.commandLine().getOut();
    // Left to itself (auto) the sandbox is HAPI JPA: what people point their own tools at gets
    // FHIR's whole search, bulk export and history.
    boolean inMemory = config.sandbox().inMemory(false);
    SandboxServer server =
        empty
            ? Sandboxes.startEmpty(config.sandbox(), inMemory, spec.commandLine().getErr())
            : Sandboxes.startSeeded(config.sandbox(), inMemory, spec.commandLine().getErr());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sandbox-shutdown"));
    if (smart != null) {
      server.requireSmart(smart);
      spec.commandLine()
          .getErr()
          .println(
              "SMART Backend Services on: token endpoint "
                  + server.tokenUrl()
                  + " (discovery: "
                  + server.baseUrl()
                  + "/.well-known/smart-configuration), client "
                  + smart.clientId()
                  + " with the keys of "
                  + config.sandbox().jwks()
                  + "; tokens live "
                  + TOKEN_LIFE.toSeconds()
                  + " s; every FHIR request but metadata needs one");
    }
    out.println(server.baseUrl());
    out.println(
        "Serving until stopped (Ctrl-C). Try: curl '" + server.baseUrl() + "/Patient?_count=5'");
    out.flush();
    server.join();
    return 0;
  }
}
