package org.llmfhiradapter.publish;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ValidationIssue;

/**
 * Publishes a run's results to the FHIR server in one transaction: the Measure (created once, if absent), the
 * cohort Group and the MeasureReport (each a conditional update on its stable identifier, so a rerun for the
 * same cohort and data cut-off replaces them instead of adding more). The report is validated against its
 * profile before anything is sent; a refused or failed transaction leaves the server as it was. The report
 * is then read back from the server.
 */
public final class MeasureReportPublisher {

  private final IGenericClient client;
  private final MeasureReportFactory factory;
  private final Measure measure;
  private final ProfileValidator validator;

  public MeasureReportPublisher(
      IGenericClient client, MeasureReportFactory factory, Measure measure, ProfileValidator validator) {
    this.client = client;
    this.factory = factory;
    this.measure = measure;
    this.validator = validator;
  }

  public Publication publish(StudyResult result) {
    String groupUrn = "urn:uuid:" + UUID.randomUUID();
    Group group = CohortGroupFactory.build(result);
    MeasureReport report = factory.build(result, groupUrn);
    requireValid(report);

    String system = report.getIdentifierFirstRep().getSystem();
    String value = report.getIdentifierFirstRep().getValue();
    String reportMatch = "MeasureReport?identifier=" + encode(system + "|" + value);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, measure, "urn:uuid:" + UUID.randomUUID(), Bundle.HTTPVerb.POST, "Measure")
        .getRequest()
        .setIfNoneExist("url=" + encode(measure.getUrl()) + "&version=" + encode(measure.getVersion()));
    add(transaction, group, groupUrn, Bundle.HTTPVerb.PUT,
        "Group?identifier=" + encode(CohortGroupFactory.IDENTIFIER_SYSTEM + "|" + CohortGroupFactory.identifierValue(result)));
    add(transaction, report, "urn:uuid:" + UUID.randomUUID(), Bundle.HTTPVerb.PUT, reportMatch);

    try {
      Bundle response = client.transaction().withBundle(transaction).execute();
      String status = response.getEntry().get(2).getResponse().getStatus();
      Bundle found = client.search().byUrl(reportMatch).returnBundle(Bundle.class).execute();
      // Only the matches: a server may add OperationOutcome entries (Epic does).
      List<MeasureReport> reports =
          found.getEntry().stream()
              .map(Bundle.BundleEntryComponent::getResource)
              .filter(MeasureReport.class::isInstance)
              .map(MeasureReport.class::cast)
              .toList();
      if (reports.size() != 1) {
        throw new PublishException(
            "After writing, the server holds " + reports.size() + " MeasureReports with identifier "
                + system + "|" + value + "; expected exactly one");
      }
      MeasureReport readBack = reports.get(0);
      return new Publication(readBack.getIdElement().getValue(), status != null && status.startsWith("201"), readBack);
    } catch (FhirClientConnectionException e) {
      throw new PublishException(
          "Cannot reach the FHIR server to publish the results (" + e.getMessage() + "); nothing was written", e);
    } catch (BaseServerResponseException e) {
      throw new PublishException(
          "The FHIR server refused the results transaction (HTTP " + e.getStatusCode() + ": "
              + firstLine(e.getMessage()) + "); nothing was written, earlier reports are unchanged",
          e);
    }
  }

  private void requireValid(MeasureReport report) {
    List<ValidationIssue> errors =
        validator.validate(report, MeasureReportFactory.PROFILE).stream().filter(ValidationIssue::isError).toList();
    if (!errors.isEmpty()) {
      throw new PublishException(
          "The MeasureReport fails profile llm-survival-measurereport (" + errors.size() + " errors, first: "
              + errors.get(0).describe() + "); nothing was written");
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

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
