package org.llmfhiradapter.conformance;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * A resource read from a file for validation, or the reason a part of a file could not be read as
 * one.
 *
 * @param source where it came from: the file, with the NDJSON line or Bundle entry
 * @param resource the parsed resource (elements the parser did not know are dropped from it); null
 *     when the input is unusable
 * @param parseIssues what the parser dropped or could not read, as errors; for unusable input, why
 * @param unusable the input cannot be read as a FHIR resource at all (not JSON, not FHIR, too
 *     large)
 */
public record InputResource(
    String source, Resource resource, List<ValidationIssue> parseIssues, boolean unusable) {

  public InputResource {
    parseIssues = List.copyOf(parseIssues);
  }

  /** A resource that was read, with what the parser had to say. */
  public InputResource(String source, Resource resource, List<ValidationIssue> parseIssues) {
    this(source, resource, parseIssues, false);
  }

  /** Input that cannot be read as a FHIR resource, and why (the message names the source). */
  static InputResource unusable(String source, String message) {
    return new InputResource(
        source,
        null,
        List.of(new ValidationIssue(ValidationIssue.Severity.ERROR, "", message, "unusable-input")),
        true);
  }

  public String reference() {
    if (resource == null) {
      return "(unreadable)";
    }
    return resource.fhirType()
        + (resource.hasIdElement() ? "/" + resource.getIdElement().getIdPart() : "");
  }

  /** Why the input is unusable (only for {@link #unusable()} input). */
  public String problem() {
    return parseIssues.isEmpty() ? source : parseIssues.get(0).message();
  }
}
