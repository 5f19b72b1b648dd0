package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxServer;

/** Starting the embedded server and seeding it, with progress on stderr (it takes tens of seconds). */
final class Sandboxes {

  private Sandboxes() {}

  /** A server with no data (a stand-in registry). */
  static SandboxServer startEmpty(AdapterConfig.Sandbox config, PrintWriter progress) {
    long started = System.nanoTime();
    progress.println("Starting an empty embedded FHIR server (HAPI FHIR JPA, in memory)...");
    progress.flush();
    SandboxServer server =
        SandboxServer.start(config.port(), org.llmfhiradapter.sandbox.VendorPersonality.Kind.NONE,
            config.databaseUrl());
    progress.println(String.format(Locale.ROOT, "Empty embedded FHIR server ready at %s (%.1f s)", server.baseUrl(),
        (System.nanoTime() - started) / 1e9));
    progress.flush();
    return server;
  }

  static SandboxServer startSeeded(AdapterConfig.Sandbox config, PrintWriter progress) {
    Path fixtures = Path.of(config.fixtures());
    long started = System.nanoTime();
    progress.println("Starting the embedded FHIR server (HAPI FHIR JPA, in memory; about half a minute)...");
    progress.flush();
    SandboxServer server =
        SandboxServer.start(config.port(), org.llmfhiradapter.sandbox.VendorPersonality.Kind.parse(config.personality()),
            config.databaseUrl());
    try {
      Flavor flavor = Flavor.parse(config.flavor());
      int resources = new FixtureSeeder(FhirContext.forR4Cached(), flavor).seed(server.baseUrl(), fixtures);
      progress.println(
          String.format(
              Locale.ROOT,
              "Embedded FHIR server ready at %s (%d resources from %s as %s%s, %.1f s)",
              server.baseUrl(),
              resources,
              fixtures,
              config.flavor(),
              config.personality().equals("none") ? "" : ", behaving like " + config.personality(),
              (System.nanoTime() - started) / 1e9));
      progress.flush();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }
}
