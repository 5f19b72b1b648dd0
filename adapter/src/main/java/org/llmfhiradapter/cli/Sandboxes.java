package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.sandbox.FixtureSeeder;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.VendorPersonality;

/**
 * Starting the embedded server and seeding it, with progress on stderr (it takes tens of seconds).
 */
final class Sandboxes {

  private Sandboxes() {}

  /**
   * A server with no data (a stand-in registry).
   *
   * @param inMemory HAPI's plain server over an in-memory store, rather than HAPI JPA
   */
  static SandboxServer startEmpty(
      AdapterConfig.Sandbox config, boolean inMemory, PrintWriter progress) {
    long started = System.nanoTime();
    requireFreePort(config.port());
    progress.println("Starting an empty embedded FHIR server (" + kind(inMemory, config) + ")...");
    progress.flush();
    SandboxServer server = start(config, inMemory, VendorPersonality.Kind.NONE);
    progress.println(
        String.format(
            Locale.ROOT,
            "Empty embedded FHIR server ready at %s (%.1f s)",
            server.baseUrl(),
            (System.nanoTime() - started) / 1e9));
    progress.flush();
    return server;
  }

  /**
   * A server seeded with the configured fixtures.
   *
   * @param inMemory HAPI's plain server over an in-memory store, rather than HAPI JPA
   */
  static SandboxServer startSeeded(
      AdapterConfig.Sandbox config, boolean inMemory, PrintWriter progress) {
    // What a user can get wrong is checked before the seconds the server takes to start.
    Fixtures fixtures = Fixtures.of(config.fixtures());
    requireFreePort(config.port());
    long started = System.nanoTime();
    progress.println(
        "Starting the embedded FHIR server ("
            + kind(inMemory, config)
            + (inMemory ? "" : "; about half a minute")
            + ")...");
    progress.flush();
    SandboxServer server =
        start(config, inMemory, VendorPersonality.Kind.parse(config.personality()));
    try {
      Flavor flavor = Flavor.parse(config.flavor());
      int resources =
          new FixtureSeeder(FhirContext.forR4Cached(), flavor)
              .seed(server.baseUrl(), fixtures.folder());
      progress.println(
          String.format(
              Locale.ROOT,
              "Embedded FHIR server ready at %s (%d resources from %s as %s%s, %.1f s)",
              server.baseUrl(),
              resources,
              fixtures.name(),
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

  private static SandboxServer start(
      AdapterConfig.Sandbox config, boolean inMemory, VendorPersonality.Kind personality) {
    return inMemory
        ? SandboxServer.startInMemory(config.port(), personality)
        : SandboxServer.start(config.port(), personality, config.databaseUrl());
  }

  /** What the progress line says serves the resources. */
  private static String kind(boolean inMemory, AdapterConfig.Sandbox config) {
    if (inMemory) {
      return "HAPI FHIR, resources in memory";
    }
    return config.databaseUrl().isEmpty()
        ? "HAPI FHIR JPA, in memory"
        : "HAPI FHIR JPA, PostgreSQL";
  }

  /**
   * A port taken by another program is a setting to change, said at once rather than after the
   * start.
   */
  static void requireFreePort(int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new ConfigException(
          "Port "
              + port
              + " on 127.0.0.1 is in use (another server, or a sandbox still"
              + " running): choose another with --port or llm.sandbox.port, or 0 for any free port");
    }
  }

  /**
   * The case tables to seed from: the configured folder when it exists, else the copy of it
   * packaged in the jar ({@code fixtures/paper} and {@code fixtures/small}), so that {@code demo}
   * and {@code sandbox} run from any folder and without the repository.
   *
   * @param folder where the seeder reads them
   * @param name what the progress line calls them
   */
  record Fixtures(Path folder, String name) {

    static Fixtures of(String configured) {
      Path folder = Path.of(configured);
      if (Files.isDirectory(folder)) {
        return new Fixtures(folder, configured);
      }
      String packaged = PACKAGED.matcher(configured.replace('\\', '/')).replaceFirst("");
      URL cases =
          Sandboxes.class.getClassLoader().getResource("fixtures/" + packaged + "/cases.csv");
      if (packaged.contains("/") || packaged.isEmpty() || cases == null) {
        throw new ConfigException(
            "Fixture folder "
                + configured
                + " does not exist, and the jar packages no such"
                + " folder (it has fixtures/paper and fixtures/small): set llm.sandbox.fixtures (or --fixtures) to a"
                + " folder of case tables (.csv) or FHIR Bundles (.json)");
      }
      try (InputStream in = cases.openStream()) {
        Path copy = Files.createTempDirectory("llm-fixtures-");
        Path table = copy.resolve("cases.csv");
        Files.copy(in, table);
        table.toFile().deleteOnExit();
        copy.toFile().deleteOnExit();
        return new Fixtures(copy, "fixtures/" + packaged + " (packaged)");
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot unpack the packaged fixtures/" + packaged + ": " + e.getMessage(), e);
      }
    }

    /**
     * "fixtures/paper", "./fixtures/paper", "../fixtures/paper" and "paper" all name the packaged
     * paper.
     */
    private static final Pattern PACKAGED = Pattern.compile("^(?:\\.{1,2}/)*(?:fixtures/)?");
  }
}
