package org.llmfhiradapter.conformance;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.PatientRecord;

/**
 * The conformance stage, per patient: normalize vendor codings, give each resource its role by
 * ValueSet membership, set aside what its own status says does not count ({@link StatusScreen}),
 * and validate the Patient and every other resource with a role against that role's profile.
 * Resources without a role are neither validated nor used; routine warnings ({@link
 * RoutineWarnings}) are left out.
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
    for (Condition condition : record.conditions()) {
      CodeNormalizer.normalize(condition.getCode());
      condition.getBodySite().forEach(CodeNormalizer::normalize);
      classify(condition, condition.getCode(), roles);
    }
    for (Procedure procedure : record.procedures()) {
      CodeNormalizer.normalize(procedure.getCode());
      classify(procedure, procedure.getCode(), roles);
    }
    for (Observation observation : record.observations()) {
      CodeNormalizer.normalize(observation.getCode());
      if (observation.getValue() instanceof CodeableConcept value) {
        CodeNormalizer.normalize(value);
      }
      classify(observation, observation.getCode(), roles);
    }
    Map<Resource, String> setAside = StatusScreen.setAside(record, roles);

    List<ResourceFinding> findings = new ArrayList<>();
    check(record.patient(), "llm-patient", findings);
    // In the record's order, so that the first error named in an exclusion is the same on every
    // run.
    for (Resource resource : record.clinicalResources()) {
      ResourceRole role = roles.get(resource);
      String status = setAside.get(resource);
      if (role != null && status != null) {
        findings.add(setAsideNote(resource, role, status));
      } else if (role != null) {
        check(resource, role.profileId(), findings);
      }
    }
    return new ReviewedRecord(record, roles, setAside, findings);
  }

  private void classify(
      Resource resource, CodeableConcept code, Map<Resource, ResourceRole> roles) {
    classifier.classify(resource, code).ifPresent(role -> roles.put(resource, role));
  }

  /**
   * A data-quality note (never an error): the resource would have had a role but its status says it
   * does not count.
   */
  private static ResourceFinding setAsideNote(Resource resource, ResourceRole role, String status) {
    String element =
        resource instanceof Condition
            ? "Condition.verificationStatus"
            : resource.fhirType() + ".status";
    return new ResourceFinding(
        ResourceFinding.reference(resource),
        role.profileId(),
        new ValidationIssue(
            ValidationIssue.Severity.WARNING,
            element,
            "set aside, not used: status " + status,
            "set-aside:" + status.replace(' ', '-')));
  }

  private void check(Resource resource, String profileId, List<ResourceFinding> findings) {
    String reference = ResourceFinding.reference(resource);
    Resource view = ValidationView.of(resource, classifier.knownSystems());
    for (ValidationIssue issue :
        validator.validate(view, ProfilePackage.CANONICAL + "/StructureDefinition/" + profileId)) {
      if (issue.severity() != ValidationIssue.Severity.INFORMATION
          && !RoutineWarnings.isRoutine(issue)) {
        findings.add(new ResourceFinding(reference, profileId, issue));
      }
    }
  }
}
