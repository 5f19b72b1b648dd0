package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

class ServerTextTest {

  private static final String QUOTE =
      "Failed on Patient/123 (Jane Doe, born 1952-03-14, MRN 000123)";

  @Test
  void aFailedReadIsItsStatusAndIssueCodesNeverTheServersText() {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.EXCEPTION)
        .setDiagnostics(QUOTE);
    InternalErrorException failure = new InternalErrorException(QUOTE, outcome);

    assertThat(ServerText.ofRead(failure))
        .isEqualTo("HTTP 500; issues: error exception; " + ServerText.LEFT_OUT);
  }

  @Test
  void aBulkExportsOperationOutcomeGivesItsIssueCodesOnly() throws Exception {
    String body =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"fatal\",\"code\":\"processing\","
            + "\"diagnostics\":\""
            + QUOTE
            + "\"},{\"severity\":\"fatal\",\"code\":\"Jane Doe\"}]}";

    String issues = ServerText.issuesOf(new ObjectMapper().readTree(body));

    // A code that is not one (a server that put text there) is dropped like the text.
    assertThat(issues)
        .isEqualTo("; issues: fatal processing; " + ServerText.LEFT_OUT)
        .doesNotContain("Jane");
  }
}
