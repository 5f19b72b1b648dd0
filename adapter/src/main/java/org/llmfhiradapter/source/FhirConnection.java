package org.llmfhiradapter.source;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestFormatParamStyleEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.llmfhiradapter.config.AdapterConfig;

/**
 * One FHIR server as the adapter talks to it: a client bound to the server's origin, with that
 * server's timeouts and credentials, and the requests runner that retries what may pass. The source
 * and the publish destination each get their own, so that no credential of one ever rides on a
 * request to the other.
 */
public final class FhirConnection {

  private final String baseUrl;
  private final IGenericClient client;
  private final FhirRequests requests;

  private FhirConnection(String baseUrl, IGenericClient client, FhirRequests requests) {
    this.baseUrl = baseUrl;
    this.client = client;
    this.requests = requests;
  }

  /**
   * Connects (lazily: no request is made) to {@code server.baseUrl()}.
   *
   * @param template only its FHIR version is taken; the connection has a context, client factory
   *     and parser of its own
   */
  public static FhirConnection open(
      FhirContext template, AdapterConfig.Source server, Authentication authentication) {
    FhirContext fhir = connectionContext(template);
    IRestfulClientFactory factory = fhir.getRestfulClientFactory();
    // The adapter reads only what it asks for; fetching the (often megabyte-sized)
    // CapabilityStatement
    // before the first request would only slow the first call down.
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setConnectTimeout((int) server.connectTimeout().toMillis());
    factory.setSocketTimeout((int) server.readTimeout().toMillis());
    factory.setPoolMaxPerRoute(Math.max(20, factory.getPoolMaxPerRoute()));
    IGenericClient client = fhir.newRestfulGenericClient(server.baseUrl());
    // Ask for JSON in the Accept header only. Left alone, HAPI's client accepts XML and JSON
    // equally and servers (HAPI among them) answer XML, which cost the server and the adapter more
    // CPU per page than anything else in the pull; a _format parameter would be one more parameter
    // for vendors to vet.
    client.setEncoding(EncodingEnum.JSON);
    client.setFormatParamStyle(RequestFormatParamStyleEnum.NONE);
    authentication.interceptor().ifPresent(client::registerInterceptor);
    client.registerInterceptor(new RequestLog(server.baseUrl()));
    FhirRequests requests =
        new FhirRequests(server.baseUrl(), new RetryPolicy(server.retry()), authentication);
    return new FhirConnection(server.baseUrl(), client, requests);
  }

  /**
   * The connection's own FHIR context: its own client factory (timeouts and redirect rules of this
   * server, not the process-wide context's, which other callers also set), clients that follow no
   * redirect off the server's origin, and a parser that keeps a bad value (a date such as
   * 2001-02-30) as written instead of failing the whole page: the validator then reports it as an
   * error of that resource, which costs one patient, not the run. The parser logs nothing: such
   * values may be birth dates.
   */
  private static FhirContext connectionContext(FhirContext template) {
    FhirContext fhir = new FhirContext(template.getVersion().getVersion());
    fhir.setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));
    fhir.setRestfulClientFactory(new OriginBoundClientFactory(fhir));
    return fhir;
  }

  /** HTTP requests sent to FHIR servers by this process so far. */
  public static long requestsSent() {
    return RequestLog.SENT.get();
  }

  /** Counts a request sent outside a HAPI client (the bulk export's own HTTP client). */
  static void countRequest() {
    RequestLog.SENT.incrementAndGet();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public IGenericClient client() {
    return client;
  }

  /** Runs requests to this server with its retries, credentials and write safety. */
  public FhirRequests requests() {
    return requests;
  }
}
