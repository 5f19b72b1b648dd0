package org.llmfhiradapter.publish;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ValidationIssue;
import org.llmfhiradapter.source.FhirConnection;
import org.llmfhiradapter.source.FhirRequests;
import org.llmfhiradapter.source.SourceException;
import org.llmfhiradapter.source.WriteOutcomeUnknownException;

/**
 * Publishes a run's results to the destination FHIR server in one transaction: the Measure and the
 * adapter's Device (each created once, if absent), the cohort Group and the MeasureReport (each a
 * conditional update on its stable identifier, so a rerun for the same cohort and data cut-off
 * replaces them instead of adding more) and their Provenance (an update on an id derived from the
 * report identifier, for the same reason). The report is validated against its profile before
 * anything is sent; a refused transaction leaves the server as it was. The report is then read back
 * from the server.
 */
public final class MeasureReportPublisher {

  private final String destination;
  private final IGenericClient client;
  private final FhirRequests requests;
  private final MeasureReportFactory factory;
  private final Measure measure;
  private final ProfileValidator validator;

  /**
   * @param destination the server written to, with its own retries and credentials
   */
  public MeasureReportPublisher(
      FhirConnection destination,
      MeasureReportFactory factory,
      Measure measure,
      ProfileValidator validator) {
    this.destination = destination.baseUrl();
    this.client = destination.client();
    this.requests = destination.requests();
    this.factory = factory;
    this.measure = measure;
    this.validator = validator;
  }

  /**
   * Writes the results, retried as the pull retries (the transaction is safe to repeat: conditional
   * updates on stable identifiers), once more after a 409 from a concurrent run; an attempt that
   * got no answer is first checked by reading the report back (this run's report is known by its
   * generation time).
   *
   * @throws PublishException saying what is known: nothing was written, or the outcome is unknown
   */
  public Publication publish(StudyResult result, RunLineage lineage) {
    String groupUrn = "urn:uuid:" + UUID.randomUUID();
    String reportUrn = "urn:uuid:" + UUID.randomUUID();
    String deviceUrn = "urn:uuid:" + UUID.randomUUID();
    Group group = CohortGroupFactory.build(result, destination, factory.suppression());
    MeasureReport report = factory.build(result, groupUrn);
    requireValid(report);

    String system = report.getIdentifierFirstRep().getSystem();
    String value = report.getIdentifierFirstRep().getValue();
    String reportMatch = "MeasureReport?identifier=" + encode(system + "|" + value);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, measure, "urn:uuid:" + UUID.randomUUID(), Bundle.HTTPVerb.POST, "Measure")
        .getRequest()
        .setIfNoneExist(
            "url=" + encode(measure.getUrl()) + "&version=" + encode(measure.getVersion()));
    add(
        transaction,
        group,
        groupUrn,
        Bundle.HTTPVerb.PUT,
        "Group?identifier="
            + encode(
                CohortGroupFactory.IDENTIFIER_SYSTEM
                    + "|"
                    + CohortGroupFactory.identifierValue(result)));
    add(transaction, report, reportUrn, Bundle.HTTPVerb.PUT, reportMatch);
    String deviceIdentifier = ProvenanceFactory.deviceIdentifier(lineage.adapterVersion());
    add(
            transaction,
            ProvenanceFactory.device(lineage.adapterVersion()),
            deviceUrn,
            Bundle.HTTPVerb.POST,
            "Device")
        .getRequest()
        .setIfNoneExist(
            "identifier=" + encode(ProvenanceFactory.DEVICE_SYSTEM + "|" + deviceIdentifier));
    String provenanceId = ProvenanceFactory.id(system, value);
    Provenance provenance =
        ProvenanceFactory.build(
            lineage, result.dataCutoff(), report.getDate(), reportUrn, groupUrn, deviceUrn);
    provenance.setId(provenanceId);
    add(
        transaction,
        provenance,
        "urn:uuid:" + UUID.randomUUID(),
        Bundle.HTTPVerb.PUT,
        "Provenance/" + provenanceId);
    String generated = report.getDateElement().getValueAsString();

    try {
      Optional<Bundle> response =
          requests.write(
              "Results transaction (Measure, Group, MeasureReport, Provenance)",
              () -> client.transaction().withBundle(transaction).execute(),
              () ->
                  reports(reportMatch).stream()
                      .anyMatch(r -> generated.equals(r.getDateElement().getValueAsString())));
      List<MeasureReport> reports =
          requests.call("MeasureReport read-back", () -> reports(reportMatch));
      if (reports.size() != 1) {
        throw new PublishException(
            "After writing, the server holds "
                + reports.size()
                + " MeasureReports with identifier "
                + system
                + "|"
                + value
                + "; expected exactly one");
      }
      MeasureReport readBack = reports.get(0);
      boolean created =
          response
              .map(r -> r.getEntry().get(2).getResponse().getStatus())
              .map(status -> status != null && status.startsWith("201"))
              .orElse("1".equals(readBack.getMeta().getVersionId()));
      return new Publication(readBack.getIdElement().getValue(), created, readBack);
    } catch (WriteOutcomeUnknownException e) {
      throw new PublishException(
          "Publishing the results: "
              + e.getMessage()
              + "; whether the server applied the transaction is unknown."
              + " Rerun to make sure: a rerun replaces the report, it never adds a second one",
          e);
    } catch (SourceException e) {
      throw new PublishException(
          "Publishing the results: "
              + e.getMessage()
              + "; nothing was written, earlier reports are unchanged",
          e);
    }
  }

  /**
   * The MeasureReports the server holds for the identifier search (a server may add
   * OperationOutcomes: Epic does).
   */
  private List<MeasureReport> reports(String reportMatch) {
    Bundle found = client.search().byUrl(reportMatch).returnBundle(Bundle.class).execute();
    return found.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(MeasureReport.class::isInstance)
        .map(MeasureReport.class::cast)
        .toList();
  }

  private void requireValid(MeasureReport report) {
    List<ValidationIssue> errors =
        validator.validate(report, MeasureReportFactory.PROFILE).stream()
            .filter(ValidationIssue::isError)
            .toList();
    if (!errors.isEmpty()) {
      throw new PublishException(
          "The MeasureReport fails profile llm-survival-measurereport ("
              + errors.size()
              + " errors, first: "
              + errors.get(0).describe()
              + "); nothing was written");
    }
  }

  private static Bundle.BundleEntryComponent add(
      Bundle bundle, Resource resource, String fullUrl, Bundle.HTTPVerb method, String url) {
    Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
    entry.getRequest().setMethod(method).setUrl(url);
    return entry;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
