package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Makes the embedded server behave like a vendor's FHIR API, so that the adapter is tested against
 * the rules and habits it will meet (design notes, "What the vendors do"):
 *
 * <ul>
 *   <li>Epic: Condition, Procedure and Observation searches need {@code patient}; Observation also
 *       {@code code} or {@code category}; search bundles carry an OperationOutcome entry with
 *       {@code search.mode = outcome}, no {@code fullUrl}, not counted in {@code total}.
 *   <li>Cerner: those searches need {@code patient}; Procedure needs a closed {@code date} range;
 *       {@code _count} above 200 is refused; bundles have no {@code total}, entries no {@code
 *       search.mode}, and {@code fullUrl} names another host than the request.
 * </ul>
 */
@Interceptor
public final class VendorPersonality {

  /** Which vendor the server imitates. */
  public enum Kind {
    NONE,
    EPIC,
    CERNER;

    public static Kind parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Unknown personality '" + name + "'; use none, epic or cerner");
      }
    }
  }

  private static final Set<String> PATIENT_SCOPED = Set.of("Condition", "Procedure", "Observation");

  private final Kind kind;

  public VendorPersonality(Kind kind) {
    this.kind = kind;
  }

  private static boolean patientListExport(RequestDetails request) {
    return "Patient".equals(request.getResourceName())
        && request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.POST
        && new String(request.loadRequestContents(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("\"patient\"");
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean incoming(RequestDetails request) {
    // Epic offers Bulk Data to backend apps at the Group level only; Oracle Health also as
    // Patient/$export for a list of patients given in a POST (never for every patient).
    if ("$export".equals(request.getOperation())
        && request.getRestOperationType() != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
        && !(kind == Kind.CERNER && patientListExport(request))) {
      throw new InvalidRequestException(
          vendor()
              + ": $export is offered for a Group only (Group/[id]/$export)"
              + (kind == Kind.CERNER ? ", or Patient/$export with a patient list in a POST" : ""));
    }
    if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE
        || !PATIENT_SCOPED.contains(request.getResourceName())) {
      return true;
    }
    Map<String, String[]> parameters = request.getParameters();
    String type = request.getResourceName();
    if (!parameters.containsKey("patient") && !parameters.containsKey("subject")) {
      throw new InvalidRequestException(
          vendor() + ": " + type + " search requires the patient parameter");
    }
    if (kind == Kind.EPIC
        && type.equals("Observation")
        && !parameters.containsKey("code")
        && !parameters.containsKey("category")) {
      throw new InvalidRequestException(
          vendor() + ": Observation search requires code or category");
    }
    if (kind == Kind.CERNER) {
      String[] dates = parameters.getOrDefault("date", new String[0]);
      boolean closed =
          java.util.Arrays.stream(dates).anyMatch(d -> d.startsWith("ge") || d.startsWith("gt"))
              && java.util.Arrays.stream(dates)
                  .anyMatch(d -> d.startsWith("le") || d.startsWith("lt"));
      if (type.equals("Procedure") && !closed) {
        throw new InvalidRequestException(
            vendor() + ": Procedure search requires a date range (ge and le)");
      }
      String[] count = parameters.get("_count");
      if (count != null && Integer.parseInt(count[0]) > 200) {
        throw new InvalidRequestException(vendor() + ": _count may not exceed 200");
      }
    }
    return true;
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean outgoing(RequestDetails request, ResponseDetails response) {
    if (!(response.getResponseResource() instanceof Bundle bundle)
        || bundle.getType() != Bundle.BundleType.SEARCHSET) {
      return true;
    }
    if (kind == Kind.EPIC) {
      OperationOutcome note = new OperationOutcome();
      note.addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
          .setCode(OperationOutcome.IssueType.INFORMATIONAL)
          .getDetails()
          .setText("Some results may be restricted by the patient's confidentiality settings");
      bundle.addEntry().setResource(note).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
    } else if (kind == Kind.CERNER) {
      bundle.setTotalElement(null);
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        entry.setSearch(null);
        if (entry.hasFullUrl()) {
          entry.setFullUrl(
              entry
                  .getFullUrl()
                  .replaceFirst("^https?://[^/]+", "https://fhir-ehr.cerner.example"));
        }
      }
    }
    return true;
  }

  private String vendor() {
    return kind == Kind.EPIC ? "Epic" : "Cerner";
  }
}
