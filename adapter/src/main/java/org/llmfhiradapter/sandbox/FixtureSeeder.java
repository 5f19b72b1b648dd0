package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.Flavor;

/**
 * Loads a folder of fixtures into a FHIR server over HTTP, as transactions: case tables ({@code
 * *.csv}) are rendered to FHIR first, FHIR Bundles ({@code *.json}) are sent as they are (a
 * collection or batch is sent as a transaction). Files load in name order.
 */
public final class FixtureSeeder {

  /**
   * Id of the Group of every seeded patient: the candidate list a registry would hand an EHR pull.
   */
  public static final String CANDIDATES_GROUP = "llm-demo-candidates";

  private final FhirContext fhirContext;
  private final Flavor flavor;

  public FixtureSeeder(FhirContext fhirContext, Flavor flavor) {
    this.fhirContext = fhirContext;
    this.flavor = flavor;
  }

  /** Seeds the server; returns the number of resources written. */
  public int seed(String baseUrl, Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new SandboxException(
          "Fixture folder "
              + folder
              + " does not exist; run from the repository root or set llm.sandbox.fixtures"
              + " (or --fixtures)");
    }
    // A client factory of its own: the context's is shared by every caller in the process (the last
    // to set a timeout on it would win), and a cold JPA server takes its time over the first
    // transactions.
    ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(fhirContext);
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setSocketTimeout(120_000);
    IGenericClient client = factory.newGenericClient(baseUrl);
    int written = 0;
    org.hl7.fhir.r4.model.Group candidates = new org.hl7.fhir.r4.model.Group();
    candidates.setId(CANDIDATES_GROUP);
    candidates.setType(org.hl7.fhir.r4.model.Group.GroupType.PERSON).setActual(true);
    candidates.setName("Candidate patients seeded from " + folder);
    for (Path file : files(folder)) {
      for (Bundle bundle : bundlesOf(file)) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
          if (entry.getResource() instanceof org.hl7.fhir.r4.model.Patient patient) {
            candidates
                .addMember()
                .getEntity()
                .setReference("Patient/" + patient.getIdElement().getIdPart());
          }
        }
        try {
          client.transaction().withBundle(bundle).execute();
        } catch (BaseServerResponseException e) {
          throw new SandboxException(
              "The embedded server refused " + file + ": " + e.getMessage(), e);
        }
        written += bundle.getEntry().size();
      }
    }
    client.update().resource(candidates).execute();
    return written + 1;
  }

  private static List<Path> files(Path folder) {
    try (Stream<Path> listing = Files.list(folder)) {
      List<Path> files =
          listing
              .filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".json"))
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw new SandboxException(
            "Fixture folder " + folder + " has no .csv case tables or .json Bundles");
      }
      return files;
    } catch (IOException e) {
      throw new SandboxException("Cannot list fixture folder " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * Patients per seeding transaction: small enough for a cold server, large enough for 10,000
   * patients.
   */
  static final int PATIENTS_PER_TRANSACTION = 25;

  /** A case table as transactions of a few patients each. */
  private List<Bundle> bundlesOf(Path file) {
    if (file.toString().endsWith(".csv")) {
      CaseRenderer renderer = new CaseRenderer(flavor);
      List<CaseRow> rows = CaseTable.read(file);
      List<Bundle> bundles = new java.util.ArrayList<>();
      for (int from = 0; from < rows.size(); from += PATIENTS_PER_TRANSACTION) {
        bundles.add(
            renderer.render(
                rows.subList(from, Math.min(rows.size(), from + PATIENTS_PER_TRANSACTION))));
      }
      return bundles;
    }
    return List.of(bundleOf(file));
  }

  private Bundle bundleOf(Path file) {
    try {
      IBaseResource resource =
          fhirContext.newJsonParser().parseResource(Files.readString(file, StandardCharsets.UTF_8));
      if (!(resource instanceof Bundle bundle)) {
        throw new SandboxException(file + " is a " + resource.fhirType() + ", not a Bundle");
      }
      if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
        bundle.setType(Bundle.BundleType.TRANSACTION);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
          if (!entry.hasRequest()
              && entry.getResource() != null
              && entry.getResource().hasIdElement()) {
            entry
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(
                    entry.getResource().fhirType()
                        + "/"
                        + entry.getResource().getIdElement().getIdPart());
          }
        }
      }
      return bundle;
    } catch (IOException e) {
      throw new SandboxException("Cannot read fixture " + file + ": " + e.getMessage(), e);
    } catch (DataFormatException e) {
      throw new SandboxException(file + " is not FHIR JSON: " + e.getMessage(), e);
    }
  }
}
