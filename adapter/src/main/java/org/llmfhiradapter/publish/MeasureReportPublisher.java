package org.llmfhiradapter.publish;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MeasureReport;
import org.llmfhiradapter.analysis.StudyResult;

/**
 * Writes a run's MeasureReport with a conditional update on its identifier
 * ({@code PUT MeasureReport?identifier=system|value}), so a rerun for the same cohort and data cut-off
 * replaces the report instead of adding another, then reads it back from the server.
 */
public final class MeasureReportPublisher {

  private final IGenericClient client;
  private final MeasureReportFactory factory;

  public MeasureReportPublisher(IGenericClient client, MeasureReportFactory factory) {
    this.client = client;
    this.factory = factory;
  }

  public Publication publish(StudyResult result) {
    MeasureReport report = factory.build(result);
    String system = report.getIdentifierFirstRep().getSystem();
    String value = report.getIdentifierFirstRep().getValue();
    String match = "MeasureReport?identifier=" + URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8);
    try {
      MethodOutcome outcome = client.update().resource(report).conditionalByUrl(match).execute();
      Bundle found = client.search().byUrl(match).returnBundle(Bundle.class).execute();
      if (found.getEntry().size() != 1) {
        throw new PublishException(
            "After writing, the server holds " + found.getEntry().size() + " MeasureReports with identifier "
                + system + "|" + value + "; expected exactly one");
      }
      MeasureReport readBack = (MeasureReport) found.getEntryFirstRep().getResource();
      boolean created = Boolean.TRUE.equals(outcome.getCreated());
      return new Publication(readBack.getIdElement().getValue(), created, readBack);
    } catch (FhirClientConnectionException e) {
      throw new PublishException("Cannot reach the FHIR server to write the MeasureReport: " + e.getMessage(), e);
    } catch (BaseServerResponseException e) {
      throw new PublishException(
          "The FHIR server refused the MeasureReport (HTTP " + e.getStatusCode() + "): " + e.getMessage(), e);
    }
  }
}
