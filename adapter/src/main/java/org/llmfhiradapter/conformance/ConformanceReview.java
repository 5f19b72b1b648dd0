package org.llmfhiradapter.conformance;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.PatientRecord;

/**
 * The conformance stage, per patient: normalize vendor codings, give each resource its role by ValueSet
 * membership, and validate the Patient and every resource with a role against that role's profile.
 * Resources without a role are neither validated nor used.
 */
public final class ConformanceReview {

  private final RoleClassifier classifier;
  private final ProfileValidator validator;

  public ConformanceReview(RoleClassifier classifier, ProfileValidator validator) {
    this.classifier = classifier;
    this.validator = validator;
  }

  public ReviewedRecord review(PatientRecord record) {
    Map<Resource, ResourceRole> roles = new IdentityHashMap<>();
    List<ResourceFinding> findings = new ArrayList<>();
    check(record.patient(), "llm-patient", findings);
    for (Condition condition : record.conditions()) {
      CodeNormalizer.normalize(condition.getCode());
      condition.getBodySite().forEach(CodeNormalizer::normalize);
      classifyAndCheck(condition, condition.getCode(), roles, findings);
    }
    for (Procedure procedure : record.procedures()) {
      CodeNormalizer.normalize(procedure.getCode());
      classifyAndCheck(procedure, procedure.getCode(), roles, findings);
    }
    for (Observation observation : record.observations()) {
      CodeNormalizer.normalize(observation.getCode());
      if (observation.getValue() instanceof CodeableConcept value) {
        CodeNormalizer.normalize(value);
      }
      classifyAndCheck(observation, observation.getCode(), roles, findings);
    }
    return new ReviewedRecord(record, roles, findings);
  }

  private void classifyAndCheck(
      Resource resource, CodeableConcept code, Map<Resource, ResourceRole> roles, List<ResourceFinding> findings) {
    Optional<ResourceRole> role = classifier.classify(resource, code);
    if (role.isPresent()) {
      roles.put(resource, role.get());
      check(resource, role.get().profileId(), findings);
    }
  }

  private void check(Resource resource, String profileId, List<ResourceFinding> findings) {
    String reference = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    Resource view = ValidationView.of(resource, classifier.knownSystems());
    for (ValidationIssue issue : validator.validate(view, ProfilePackage.CANONICAL + "/StructureDefinition/" + profileId)) {
      if (issue.severity() != ValidationIssue.Severity.INFORMATION && !ProfileValidator.isExpectedOffline(issue)) {
        findings.add(new ResourceFinding(reference, profileId, issue));
      }
    }
  }
}
