package org.llmfhiradapter.source;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.llmfhiradapter.config.AdapterConfig;

/**
 * The pull stage: finds the candidate patients and fetches each one's Patient, Conditions, Procedures and
 * Observations from a FHIR R4 server, over HTTP, following {@code next} links.
 *
 * <p>Candidates are the subjects of Conditions coded as liver metastasis ({@code llm.source.candidate-codes}),
 * found with one {@code Condition?code=} search; the mapping stage decides who is in the cohort.
 */
public final class FhirSource {

  private final AdapterConfig.Source config;
  private final IGenericClient client;
  private final SearchPager pager;
  private final FhirRequests requests;

  public FhirSource(FhirContext fhirContext, AdapterConfig.Source config) {
    if (config.baseUrl().isBlank()) {
      throw new SourceException("No FHIR server given: set llm.source.base-url or use run --base-url URL");
    }
    this.config = config;
    IRestfulClientFactory factory = fhirContext.getRestfulClientFactory();
    // The adapter reads only what it asks for; fetching the (often megabyte-sized) CapabilityStatement
    // before the first request would only slow the first call down.
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setConnectTimeout((int) config.connectTimeout().toMillis());
    factory.setSocketTimeout((int) config.readTimeout().toMillis());
    this.client = fhirContext.newRestfulGenericClient(config.baseUrl());
    this.requests = new FhirRequests(config.baseUrl());
    this.pager = new SearchPager(client, requests);
  }

  /** The base URL pulled from. */
  public String baseUrl() {
    return config.baseUrl();
  }

  /** The client, for stages that write back to the same server. */
  public IGenericClient client() {
    return client;
  }

  /** Logical ids of the candidate patients, in the order the server returned them, each once. */
  public List<String> discoverPatients() {
    String codes =
        config.candidateCodes().stream()
            .map(code -> URLEncoder.encode(code, StandardCharsets.UTF_8))
            .collect(Collectors.joining(","));
    String url = "Condition?code=" + codes + "&_count=" + config.pageSize();
    List<Condition> conditions =
        pager.all(
            "Condition search by liver-metastasis codes",
            Condition.class,
            () -> client.search().byUrl(url).returnBundle(Bundle.class).execute());
    Set<String> patients = new LinkedHashSet<>();
    for (Condition condition : conditions) {
      String id = patientId(condition.getSubject());
      if (id != null) {
        patients.add(id);
      }
    }
    return List.copyOf(patients);
  }

  /** The patient's record: Patient plus all its Conditions, Procedures and Observations. */
  public PatientRecord fetchPatient(String patientId) {
    Patient patient =
        requests.call(
            "Patient read", () -> client.read().resource(Patient.class).withId(patientId).execute());
    List<Condition> conditions = searchByPatient(Condition.class, "Condition", patientId);
    List<Procedure> procedures = searchByPatient(Procedure.class, "Procedure", patientId);
    List<Observation> observations = searchByPatient(Observation.class, "Observation", patientId);
    return new PatientRecord(patientId, patient, conditions, procedures, observations);
  }

  private <T extends org.hl7.fhir.r4.model.Resource> List<T> searchByPatient(
      Class<T> type, String typeName, String patientId) {
    String url =
        typeName + "?patient=" + URLEncoder.encode(patientId, StandardCharsets.UTF_8) + "&_count=" + config.pageSize();
    return pager.all(
        typeName + " search by patient",
        type,
        () -> client.search().byUrl(url).returnBundle(Bundle.class).execute());
  }

  /** The logical id in a {@code Patient/id} reference (relative or absolute), or null for any other target. */
  static String patientId(Reference subject) {
    if (subject == null || !subject.hasReference()) {
      return null;
    }
    String reference = subject.getReference();
    int history = reference.indexOf("/_history/");
    if (history >= 0) {
      reference = reference.substring(0, history);
    }
    int marker = reference.lastIndexOf("Patient/");
    if (marker < 0) {
      return null;
    }
    String id = reference.substring(marker + "Patient/".length());
    return id.isEmpty() || id.contains("/") ? null : id;
  }
}
