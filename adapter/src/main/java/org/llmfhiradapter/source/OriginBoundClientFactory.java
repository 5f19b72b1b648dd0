package org.llmfhiradapter.source;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import java.net.URI;
import java.util.Optional;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.ProtocolException;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.impl.client.DefaultRedirectStrategy;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.protocol.HttpContext;
import org.llmfhiradapter.source.auth.Origin;

/**
 * HAPI's Apache client factory, for clients that follow a redirect only within the origin the
 * request was sent to. The HTTP client copies every header of a request onto its redirect, the
 * Authorization header included, whatever host the Location names; a 302 from the FHIR server to
 * another origin would hand it the token. A redirect off the origin is refused instead ({@link
 * CrossOriginRedirectException}), as a {@code next} link to another origin is.
 */
final class OriginBoundClientFactory extends ApacheRestfulClientFactory {

  OriginBoundClientFactory(FhirContext fhirContext) {
    super(fhirContext);
  }

  @Override
  protected HttpClientBuilder getHttpClientBuilder() {
    return super.getHttpClientBuilder().setRedirectStrategy(new SameOriginRedirects());
  }

  /** Follows what the default strategy follows (GET and HEAD), but never to another origin. */
  static final class SameOriginRedirects extends DefaultRedirectStrategy {
    @Override
    public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context)
        throws ProtocolException {
      if (!super.isRedirected(request, response, context)) {
        return false;
      }
      URI location = getLocationURI(request, response, context);
      Optional<Origin> from = Origin.of(uri(request, context));
      Optional<Origin> to = Origin.of(location.toString());
      if (from.isEmpty() || !from.equals(to)) {
        throw new CrossOriginRedirectException(
            from.map(Origin::toString).orElse("?"), to.map(Origin::toString).orElse("not a URL"));
      }
      return true;
    }

    private static String uri(HttpRequest request, HttpContext context) {
      if (request instanceof HttpUriRequest uriRequest && uriRequest.getURI().isAbsolute()) {
        return uriRequest.getURI().toString();
      }
      Object host = context.getAttribute("http.target_host");
      return host + request.getRequestLine().getUri();
    }
  }

  /** The server answered with a redirect to another origin, which the client refuses to follow. */
  static final class CrossOriginRedirectException extends ProtocolException {
    private final String from;
    private final String to;

    CrossOriginRedirectException(String from, String to) {
      super("redirect from " + from + " to another origin (" + to + ") refused");
      this.from = from;
      this.to = to;
    }

    String from() {
      return from;
    }

    String to() {
      return to;
    }
  }
}
