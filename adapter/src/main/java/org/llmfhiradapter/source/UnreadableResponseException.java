package org.llmfhiradapter.source;

/**
 * The server answered, again and again, with something HAPI cannot read as FHIR JSON (a structure
 * no FHIR parser accepts, as opposed to a bad value inside a resource, which is kept and reported
 * by the validator). Once the retries are spent it is the data, not the network: the patient whose
 * search it was is excluded, the pull goes on.
 */
final class UnreadableResponseException extends SourceException {
  UnreadableResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
