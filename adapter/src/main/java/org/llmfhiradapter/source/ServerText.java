package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * What of a FHIR server's failure to answer a read (HTTP 5xx, a failed bulk export) may be repeated
 * in a message or a log line: its status and the codes of its OperationOutcome's issues, never
 * their text. A server that fails on a record quotes it ("Failed on Patient/123 (Jane Doe, born
 * 1952-03-14, MRN ...)"), and an error message ends up in a scheduler's log. The codes come from a
 * fixed value set (processing, exception...), so they cannot. A refusal (4xx) describes the request
 * and is repeated (FhirRequests).
 */
final class ServerText {

  static final String LEFT_OUT =
      "the server's own text is left out: it may quote a patient's chart";

  private ServerText() {}

  /** {@code HTTP 500; issues: error processing; <LEFT_OUT>}. */
  static String ofRead(BaseServerResponseException e) {
    Set<String> issues = new LinkedHashSet<>();
    IBaseOperationOutcome outcome = e.getOperationOutcome();
    if (outcome instanceof OperationOutcome r4) {
      for (OperationOutcome.OperationOutcomeIssueComponent issue : r4.getIssue()) {
        issues.add(
            code(
                issue.getSeverity() == null ? null : issue.getSeverity().toCode(),
                issue.getCode() == null ? null : issue.getCode().toCode()));
      }
    }
    return "HTTP " + e.getStatusCode() + summary(issues);
  }

  /**
   * The issue codes of an OperationOutcome read as JSON (a bulk export's answers), e.g. {@code ;
   * issues: error processing}.
   */
  static String issuesOf(JsonNode outcome) {
    Set<String> issues = new LinkedHashSet<>();
    for (JsonNode issue : outcome.path("issue")) {
      issues.add(code(issue.path("severity").asText(null), issue.path("code").asText(null)));
    }
    return summary(issues);
  }

  private static String code(String severity, String code) {
    return (severity == null ? "?" : severity) + " " + (code == null ? "?" : code);
  }

  private static String summary(Set<String> issues) {
    issues.removeIf(issue -> !issue.matches("[a-z?]+ [a-z?-]+"));
    return (issues.isEmpty() ? "" : "; issues: " + String.join(", ", issues)) + "; " + LEFT_OUT;
  }
}
