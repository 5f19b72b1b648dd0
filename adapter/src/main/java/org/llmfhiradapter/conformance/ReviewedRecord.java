package org.llmfhiradapter.conformance;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.PatientRecord;

/**
 * One patient's record after normalization, classification, the status screen and validation: each
 * resource that plays a part has its role, the resources whose status says they do not count are
 * set aside (not validated, not used), and every issue the validator found is listed. A resource
 * with a role and an error is unusable; whether the patient can do without it is the mapper's
 * decision.
 */
public final class ReviewedRecord {

  private final PatientRecord record;
  private final Map<Resource, ResourceRole> roles;
  private final Map<Resource, String> setAside;
  private final List<ResourceFinding> findings;

  ReviewedRecord(
      PatientRecord record,
      Map<Resource, ResourceRole> roles,
      Map<Resource, String> setAside,
      List<ResourceFinding> findings) {
    this.record = record;
    this.roles = new IdentityHashMap<>(roles);
    this.setAside = new IdentityHashMap<>(setAside);
    this.findings = List.copyOf(findings);
  }

  public PatientRecord record() {
    return record;
  }

  // The record's parts, so that the layers above (cohort) read the reviewed record, not the pull's.

  public String patientId() {
    return record.patientId();
  }

  public org.hl7.fhir.r4.model.Patient patient() {
    return record.patient();
  }

  public List<org.hl7.fhir.r4.model.Condition> conditions() {
    return record.conditions();
  }

  public List<org.hl7.fhir.r4.model.Procedure> procedures() {
    return record.procedures();
  }

  public List<org.hl7.fhir.r4.model.Observation> observations() {
    return record.observations();
  }

  /** Requests whose answer could not be read (the record is incomplete). */
  public List<String> unreadable() {
    return record.unreadable();
  }

  public List<Resource> clinicalResources() {
    return record.clinicalResources();
  }

  /** The resource's role, or empty when it plays none or was set aside. */
  public Optional<ResourceRole> role(Resource resource) {
    return setAside.containsKey(resource)
        ? Optional.empty()
        : Optional.ofNullable(roles.get(resource));
  }

  /**
   * Whether the resource's status says it does not count (entered in error, refuted, not done,
   * ...).
   */
  public boolean isSetAside(Resource resource) {
    return setAside.containsKey(resource);
  }

  /** The status that set the resource aside, if it was. */
  public Optional<String> setAsideStatus(Resource resource) {
    return Optional.ofNullable(setAside.get(resource));
  }

  /** The role a set-aside resource would have had, for messages. */
  public Optional<ResourceRole> roleSetAside(Resource resource) {
    return setAside.containsKey(resource)
        ? Optional.ofNullable(roles.get(resource))
        : Optional.empty();
  }

  public List<ResourceFinding> findings() {
    return findings;
  }

  public List<ResourceFinding> errors() {
    return findings.stream().filter(f -> f.issue().isError()).toList();
  }

  /** The errors the validator found on one resource (none: it is usable). */
  public List<ResourceFinding> errors(Resource resource) {
    String reference = ResourceFinding.reference(resource);
    return findings.stream()
        .filter(f -> f.issue().isError() && f.resource().equals(reference))
        .toList();
  }

  /**
   * Warnings, and the notes on resources set aside by their status: the run's data-quality list.
   */
  public List<ResourceFinding> warnings() {
    return findings.stream().filter(f -> !f.issue().isError()).toList();
  }
}
