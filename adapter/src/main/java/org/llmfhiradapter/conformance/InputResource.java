package org.llmfhiradapter.conformance;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * A resource read from a file for validation.
 *
 * @param source where it came from: the file, with the NDJSON line or Bundle entry
 * @param resource the parsed resource (elements the parser did not know are dropped from it)
 * @param parseIssues what the parser dropped or could not read, as errors
 */
public record InputResource(String source, Resource resource, List<ValidationIssue> parseIssues) {

  public InputResource {
    parseIssues = List.copyOf(parseIssues);
  }

  public String reference() {
    return resource.fhirType() + (resource.hasIdElement() ? "/" + resource.getIdElement().getIdPart() : "");
  }
}
