package org.llmfhiradapter.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * Validates resources read from files, each against the profile of its role: the one given, else
 * the one of ours its {@code meta.profile} claims, else the one its code gives it (after the same
 * normalization the pull applies). A Condition, Procedure or Observation that plays no role is
 * checked against base R4; any other resource without a role of ours is reported as not validated.
 */
public final class FileValidation {

  /**
   * The outcome for one resource.
   *
   * @param profileUrl the profile it was validated against; null when it has no role
   */
  public record Result(InputResource input, String profileUrl, List<ValidationIssue> issues) {

    public boolean validated() {
      return profileUrl != null;
    }

    public long errors() {
      return issues.stream().filter(ValidationIssue::isError).count();
    }

    public long warnings() {
      return issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.WARNING).count();
    }
  }

  private final ProfileValidator validator;
  private final RoleClassifier classifier;

  public FileValidation(ProfileValidator validator) {
    this.validator = validator;
    this.classifier = RoleClassifier.from(validator.profiles());
  }

  /** Checks that a profile given by the user exists, before any work is done. */
  public void requireKnownProfile(String profileUrl) {
    boolean ours =
        validator.profiles().resources().stream()
            .anyMatch(
                r ->
                    r instanceof org.hl7.fhir.r4.model.StructureDefinition sd
                        && profileUrl.equals(sd.getUrl()));
    if (!ours && !profileUrl.startsWith("http://hl7.org/fhir/StructureDefinition/")) {
      throw new UnusableInputException(
          "Unknown profile "
              + profileUrl
              + "; use one of ours ("
              + ProfilePackage.CANONICAL
              + "/StructureDefinition/<id>) or a base R4 one");
    }
  }

  public Result validate(InputResource input, String givenProfile) {
    Resource resource = input.resource();
    List<ValidationIssue> issues = new ArrayList<>(input.parseIssues());
    if (resource == null) {
      return new Result(input, null, issues);
    }
    String profile = givenProfile != null ? givenProfile : inferProfile(resource).orElse(null);
    if (profile == null) {
      return new Result(input, null, issues);
    }
    for (ValidationIssue issue :
        validator.validate(ValidationView.of(resource, classifier.knownSystems()), profile)) {
      if (issue.severity() != ValidationIssue.Severity.INFORMATION
          && !RoutineWarnings.isRoutine(issue)) {
        issues.add(issue);
      }
    }
    return new Result(input, profile, issues);
  }

  private Optional<String> inferProfile(Resource resource) {
    for (CanonicalType claimed : resource.getMeta().getProfile()) {
      if (claimed.getValue() != null
          && claimed.getValue().startsWith(ProfilePackage.CANONICAL + "/")) {
        return Optional.of(claimed.getValue());
      }
    }
    if (resource instanceof Patient) {
      return Optional.of(ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient");
    }
    if (resource instanceof MeasureReport) {
      return Optional.of(
          ProfilePackage.CANONICAL + "/StructureDefinition/llm-survival-measurereport");
    }
    CodeableConcept code = null;
    if (resource instanceof Condition condition) {
      code = condition.getCode();
    } else if (resource instanceof Procedure procedure) {
      code = procedure.getCode();
    } else if (resource instanceof Observation observation) {
      code = observation.getCode();
      if (observation.getValue() instanceof CodeableConcept value) {
        CodeNormalizer.normalize(value);
      }
    }
    if (code == null) {
      return Optional.empty();
    }
    CodeNormalizer.normalize(code);
    // A Condition, Procedure or Observation that plays no role is still held to base R4 (an
    // Observation without a code is an error there, not just "no role").
    return classifier
        .roleByCode(resource, code)
        .map(ResourceRole::profileUrl)
        .or(() -> Optional.of("http://hl7.org/fhir/StructureDefinition/" + resource.fhirType()));
  }
}
