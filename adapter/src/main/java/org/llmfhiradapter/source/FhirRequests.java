package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.function.Supplier;

/**
 * Runs one FHIR request and turns HAPI's exceptions into a {@link SourceException} whose message a user can
 * act on: what was asked (resource type and search, no patient ids), and what the server answered.
 */
final class FhirRequests {

  private final String baseUrl;

  FhirRequests(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  <T> T call(String description, Supplier<T> request) {
    try {
      return request.get();
    } catch (FhirClientConnectionException e) {
      throw new SourceException(
          description + ": cannot reach the FHIR server at " + baseUrl + " (" + rootCause(e) + ")", e);
    } catch (BaseServerResponseException e) {
      throw new SourceException(
          description + ": the FHIR server at " + baseUrl + " answered HTTP " + e.getStatusCode() + " ("
              + firstLine(e.getMessage()) + ")",
          e);
    } catch (DataFormatException e) {
      throw new SourceException(
          description + ": the FHIR server at " + baseUrl + " sent a response that is not valid FHIR JSON ("
              + firstLine(e.getMessage()) + ")",
          e);
    }
  }

  /** The innermost cause, e.g. "Connection refused" or "Read timed out", rather than HAPI's wrapper text. */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
  }

  /** Resource references in server messages name patients' records: they are cut to the type. */
  private static final java.util.regex.Pattern REFERENCE =
      java.util.regex.Pattern.compile("\\b([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}");

  static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    line = REFERENCE.matcher(line).replaceAll("$1/…");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
