package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.llmfhiradapter.fixtures.Flavor;

/** Test helpers that put the shared server into a known state, over HTTP like any client. */
public final class SandboxData {

  /** The repository's fixture folder, seen from the module directory Maven runs tests in. */
  public static final Path FIXTURES = Path.of("..", "fixtures");

  private SandboxData() {}

  /**
   * The helpers' own client factory: setting options on the process-wide context's factory would
   * change them for every other client the tests make (the last caller wins), as it did for the
   * product's before.
   */
  private static final ApacheRestfulClientFactory CLIENTS = clients();

  private static ApacheRestfulClientFactory clients() {
    ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(FhirContext.forR4Cached());
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    return factory;
  }

  public static IGenericClient client(SandboxServer server) {
    return CLIENTS.newGenericClient(server.baseUrl());
  }

  /**
   * Removes every resource (HAPI's {@code $expunge} with expungeEverything), so a test starts
   * empty.
   */
  public static void reset(SandboxServer server) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("expungeEverything").setValue(new BooleanType(true));
    for (int attempt = 1; ; attempt++) {
      try {
        client(server)
            .operation()
            .onServer()
            .named("$expunge")
            .withParameters(parameters)
            .execute();
        return;
      } catch (ResourceVersionConflictException e) {
        // A bulk export deleted by the last test (the pull's DELETE once its files are in) is
        // purged by the server's maintenance pass, which can hold a job's work chunks while the
        // expunge deletes the job: HTTP 409 on a foreign key. The next pass has finished it.
        if (attempt == 10) {
          throw e;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Empties the server and loads one fixture folder. */
  public static int resetAndSeed(SandboxServer server, Path folder) {
    reset(server);
    return new FixtureSeeder(FhirContext.forR4Cached(), Flavor.MCODE)
        .seed(server.baseUrl(), folder);
  }

  /**
   * Number of resources of a type on the server matching a search (e.g. {@code identifier=...}).
   */
  public static int count(SandboxServer server, String type, String query) {
    Bundle bundle =
        client(server)
            .search()
            .byUrl(type + "?" + query + "&_summary=count")
            .returnBundle(Bundle.class)
            .execute();
    return bundle.getTotal();
  }
}
