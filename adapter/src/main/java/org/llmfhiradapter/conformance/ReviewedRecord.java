package org.llmfhiradapter.conformance;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.PatientRecord;

/**
 * One patient's record after normalization, classification and validation: each resource that plays a part
 * has its role, and every issue the validator found is listed.
 */
public final class ReviewedRecord {

  private final PatientRecord record;
  private final Map<Resource, ResourceRole> roles;
  private final List<ResourceFinding> findings;

  ReviewedRecord(PatientRecord record, Map<Resource, ResourceRole> roles, List<ResourceFinding> findings) {
    this.record = record;
    this.roles = new IdentityHashMap<>(roles);
    this.findings = List.copyOf(findings);
  }

  public PatientRecord record() {
    return record;
  }

  /** The resource's role, or empty when it plays none. */
  public Optional<ResourceRole> role(Resource resource) {
    return Optional.ofNullable(roles.get(resource));
  }

  public List<ResourceFinding> findings() {
    return findings;
  }

  public List<ResourceFinding> errors() {
    return findings.stream().filter(f -> f.issue().isError()).toList();
  }

  public List<ResourceFinding> warnings() {
    return findings.stream().filter(f -> !f.issue().isError()).toList();
  }
}
