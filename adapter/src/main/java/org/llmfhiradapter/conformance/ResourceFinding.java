package org.llmfhiradapter.conformance;

import org.hl7.fhir.r4.model.Resource;

/**
 * A validation issue on one pulled resource.
 *
 * @param resource {@code Type/id} of the resource on the source server
 * @param profileId the profile it was validated against (e.g. {@code llm-liver-metastasis})
 * @param issue what the validator found
 */
public record ResourceFinding(String resource, String profileId, ValidationIssue issue) {

  /** {@code Type/id} of a resource, as findings name it. */
  public static String reference(Resource resource) {
    return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
  }

  /** One line for an exclusion reason: resource, profile, location, message and rule. */
  public String describe() {
    return resource
        + " fails profile "
        + profileId
        + ": "
        + issue.location()
        + ": "
        + issue.message()
        + (issue.rule() == null ? "" : " [" + issue.rule() + "]");
  }
}
