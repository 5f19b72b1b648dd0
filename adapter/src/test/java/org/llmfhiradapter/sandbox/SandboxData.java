package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.llmfhiradapter.cli.CliRun;
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

  /**
   * Seeds {@code fixtures/small} as the vendor's EHR renders it, makes the server behave like it
   * and runs the job against it as against that EHR ({@code generic}: plain R4, mCODE codes,
   * candidates by search; {@code epic}, {@code cerner}: their rules and codings, candidates from
   * the seeded Group), nothing published.
   *
   * @return the job's results.json
   */
  public static JsonNode pulledAs(SandboxServer server, String vendor, int pageSize, Path out)
      throws IOException {
    boolean generic = vendor.equals("generic");
    server.personality(VendorPersonality.Kind.NONE);
    new FixtureSeeder(FhirContext.forR4Cached(), generic ? Flavor.MCODE : Flavor.parse(vendor))
        .seed(server.baseUrl(), FIXTURES.resolve("small"));
    server.personality(
        generic ? VendorPersonality.Kind.NONE : VendorPersonality.Kind.parse(vendor));
    CliRun run =
        CliRun.job(
            server.baseUrl(),
            out.toString(),
            "--set",
            "llm.pipeline.data-cutoff=2024-12-31",
            "--set",
            "llm.source.vendor=" + vendor,
            "--set",
            "llm.source.patients=" + (generic ? "" : "group:" + FixtureSeeder.CANDIDATES_GROUP),
            "--set",
            "llm.source.page-size=" + pageSize,
            "--set",
            "llm.publish.enabled=false");
    assertThat(run.exitCode()).as(vendor + ": " + run.err()).isZero();
    return new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
  }
}
