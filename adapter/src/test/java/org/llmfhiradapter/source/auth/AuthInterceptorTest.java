package org.llmfhiradapter.source.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.api.UrlSourceEnum;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;

class AuthInterceptorTest {

  private final List<FhirStub> stubs = new ArrayList<>();

  @AfterEach
  void stopStubs() {
    stubs.forEach(FhirStub::close);
  }

  // --- over HTTP, through a HAPI client
  // -------------------------------------------------------------------------

  @Test
  void theBearerTokenGoesToTheFhirServer() throws Exception {
    FhirStub ehr = stub();
    IGenericClient client =
        client(ehr.base(), AuthInterceptor.bearer(ehr.base(), new CountingTokens()));

    client.read().resource(Patient.class).withId("1").execute();

    assertThat(ehr.authorizations()).containsExactly("Bearer token-1");
  }

  @Test
  void noTokenGoesToAnotherOriginEvenWhenTheServerLinksThere() throws Exception {
    FhirStub ehr = stub();
    FhirStub elsewhere = stub();
    IGenericClient client =
        client(ehr.base(), AuthInterceptor.bearer(ehr.base(), new CountingTokens()));

    client.fetchResourceFromUrl(Patient.class, elsewhere.base() + "/Patient/1");

    assertThat(elsewhere.authorizations()).containsExactly("(none)");
  }

  @Test
  void aRejectedTokenIsForgottenSoTheNextRequestCarriesANewOne() throws Exception {
    FhirStub ehr = stub();
    CountingTokens tokens = new CountingTokens();
    IGenericClient client = client(ehr.base(), AuthInterceptor.bearer(ehr.base(), tokens));
    ehr.answer401Once();

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("1").execute())
        .isInstanceOf(AuthenticationException.class);
    client.read().resource(Patient.class).withId("1").execute();

    assertThat(tokens.invalidated).containsExactly("token-1");
    assertThat(ehr.authorizations()).containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void aTokenThatCannotBeHadIsReportedBeforeTheRequestAndNeverThrownInsideHapisClient()
      throws Exception {
    FhirStub ehr = stub();
    AccessTokens failing =
        new AccessTokens() {
          @Override
          public String token() {
            throw new AuthException(
                "SMART token request to https://ehr.example.org/token failed: HTTP 400 invalid_client");
          }

          @Override
          public void invalidate() {}
        };
    AuthInterceptor interceptor = AuthInterceptor.bearer(ehr.base(), failing);
    IGenericClient client = client(ehr.base(), interceptor);

    // The caller asks first (outside HAPI, whose interceptor chain logs a stack trace for any
    // exception) ...
    assertThatThrownBy(interceptor::prepare)
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("invalid_client");
    // ... and a request sent all the same carries no credentials at all, never a stale token.
    client.read().resource(Patient.class).withId("1").execute();
    assertThat(ehr.authorizations()).containsExactly("(none)");
  }

  @Test
  void basicCredentialsGoAsTheBasicHeader() throws Exception {
    FhirStub ehr = stub();
    BasicCredentials credentials = new BasicCredentials("researcher", "pä:ss");
    IGenericClient client = client(ehr.base(), AuthInterceptor.basic(ehr.base(), credentials));

    client.read().resource(Patient.class).withId("1").execute();

    assertThat(ehr.authorizations()).containsExactly("Basic cmVzZWFyY2hlcjpww6Q6c3M=");
  }

  // --- origins, without a network
  // ---------------------------------------------------------------------------------

  @Test
  void onlyTheExactOriginOfTheBaseUrlGetsTheHeader() {
    AuthInterceptor interceptor =
        AuthInterceptor.bearer("https://ehr.example.org/fhir/r4", new CountingTokens());

    assertThat(headerFor(interceptor, "https://ehr.example.org/fhir/r4/Patient?_count=50"))
        .isEqualTo("Bearer token-1");
    assertThat(headerFor(interceptor, "https://EHR.example.org:443/other/path"))
        .isEqualTo("Bearer token-1");
    assertThat(headerFor(interceptor, "http://ehr.example.org/fhir/r4/Patient")).isNull();
    assertThat(headerFor(interceptor, "https://ehr.example.org:8443/fhir/r4/Patient")).isNull();
    assertThat(headerFor(interceptor, "https://files.example.org/export/1.ndjson")).isNull();
    assertThat(headerFor(interceptor, "https://ehr.example.org.evil.test/fhir/r4")).isNull();
    assertThat(headerFor(interceptor, "https://ehr.example.org@evil.test/fhir/r4")).isNull();
  }

  @Test
  void anAuthorizationHeaderSomeoneElseSetIsRemovedForAnotherOrigin() {
    AuthInterceptor interceptor =
        AuthInterceptor.bearer("https://ehr.example.org/fhir", new CountingTokens());
    FakeRequest request = new FakeRequest("https://cdn.example.net/file");
    request.addHeader("Authorization", "Bearer leaked");

    interceptor.interceptRequest(request);

    assertThat(request.getAllHeaders()).doesNotContainKey("Authorization");
  }

  @Test
  void sameOriginComparesSchemeHostAndPortOnly() {
    String base = "https://ehr.example.org/fhir";

    assertThat(AuthInterceptor.isSameOrigin("https://ehr.example.org/fhir/Patient?page=2", base))
        .isTrue();
    assertThat(AuthInterceptor.isSameOrigin("https://ehr.example.org:443/elsewhere", base))
        .isTrue();
    assertThat(AuthInterceptor.isSameOrigin("http://ehr.example.org/fhir", base)).isFalse();
    assertThat(AuthInterceptor.isSameOrigin("https://ehr.example.org:444/fhir", base)).isFalse();
    assertThat(AuthInterceptor.isSameOrigin("https://other.example.org/fhir", base)).isFalse();
    assertThat(AuthInterceptor.isSameOrigin("Patient?page=2", base)).isFalse();
    assertThat(AuthInterceptor.isSameOrigin("not a url", base)).isFalse();
    assertThat(AuthInterceptor.isSameOrigin(null, base)).isFalse();
  }

  // --- from settings
  // ------------------------------------------------------------------------------------------------

  @Test
  void modeNoneAddsNoInterceptor() {
    assertThat(AuthInterceptor.forSource(AuthConfig.none(), source("https://ehr.example.org/fhir")))
        .isEmpty();
  }

  @Test
  void credentialsAreNotSentOverPlainHttpToAnotherMachine() {
    AuthConfig basic =
        new AuthConfig(
            AuthConfig.Mode.BASIC,
            "",
            null,
            "",
            SigningAlgorithm.RS384,
            "",
            "",
            "u",
            "p",
            "",
            AuthConfig.SOURCE,
            KeyPassword.NONE);

    assertThatThrownBy(
            () -> AuthInterceptor.forSource(basic, source("http://ehr.example.org/fhir")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Setting llm.source.base-url is 'http://ehr.example.org/fhir': credentials are only sent to an"
                + " absolute https URL (plain http only to loopback addresses)");
  }

  @Test
  void aSmartBackendSourceWithoutItsKeyFileFailsBeforeAnyRequest(@TempDir Path dir) {
    Path missing = dir.resolve("missing.pem");
    AuthConfig smart =
        new AuthConfig(
            AuthConfig.Mode.SMART_BACKEND,
            "client",
            missing,
            "",
            SigningAlgorithm.RS384,
            "",
            "system/Patient.read",
            "",
            "",
            "",
            AuthConfig.SOURCE,
            KeyPassword.NONE);

    assertThatThrownBy(
            () -> AuthInterceptor.forSource(smart, source("https://ehr.example.org/fhir")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Private key file " + missing + " does not exist");
  }

  // --- helpers
  // --------------------------------------------------------------------------------------------------

  private static AdapterConfig.Source source(String baseUrl) {
    return AdapterConfig.Source.of(baseUrl, 50);
  }

  private FhirStub stub() throws IOException {
    FhirStub stub = new FhirStub();
    stubs.add(stub);
    return stub;
  }

  private static IGenericClient client(String base, AuthInterceptor interceptor) {
    // A factory of its own: the shared context's is used by every other test in this JVM.
    ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(FhirContext.forR4Cached());
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = factory.newGenericClient(base);
    client.registerInterceptor(interceptor);
    return client;
  }

  private static String headerFor(AuthInterceptor interceptor, String url) {
    FakeRequest request = new FakeRequest(url);
    interceptor.interceptRequest(request);
    List<String> values = request.getAllHeaders().get("Authorization");
    return values == null ? null : String.join(",", values);
  }

  /**
   * Hands out token-1 until it is invalidated, then token-2, and so on; records what was reported
   * rejected.
   */
  private static final class CountingTokens implements AccessTokens {
    final List<String> invalidated = new CopyOnWriteArrayList<>();
    private int issued;
    private String current;

    @Override
    public synchronized String token() {
      if (current == null) {
        current = "token-" + ++issued;
      }
      return current;
    }

    @Override
    public synchronized void invalidate() {
      current = null;
    }

    @Override
    public synchronized void invalidate(String rejectedToken) {
      invalidated.add(rejectedToken);
      if (rejectedToken.equals(current)) {
        current = null;
      }
    }
  }

  /**
   * A loopback FHIR endpoint that records the Authorization header of each request and answers a
   * Patient.
   */
  private static final class FhirStub implements AutoCloseable {
    private final HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile boolean refuseNext;

    FhirStub() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              String header = exchange.getRequestHeaders().getFirst("Authorization");
              authorizations.add(header == null ? "(none)" : header);
              boolean refuse = refuseNext;
              refuseNext = false;
              byte[] body =
                  (refuse
                          ? "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}"
                          : "{\"resourceType\":\"Patient\",\"id\":\"1\"}")
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
              exchange.sendResponseHeaders(refuse ? 401 : 200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          });
      server.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    List<String> authorizations() {
      return List.copyOf(authorizations);
    }

    void answer401Once() {
      refuseNext = true;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** An IHttpRequest that only holds a URL and headers. */
  private static final class FakeRequest implements IHttpRequest {
    private final String uri;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    FakeRequest(String uri) {
      this.uri = uri;
    }

    @Override
    public void addHeader(String name, String value) {
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    @Override
    public IHttpResponse execute() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, List<String>> getAllHeaders() {
      return headers;
    }

    @Override
    public String getRequestBodyFromStream() {
      return null;
    }

    @Override
    public String getUri() {
      return uri;
    }

    @Override
    public void setUri(String uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getHttpVerbName() {
      return "GET";
    }

    @Override
    public void removeHeaders(String name) {
      headers.remove(name);
    }

    @Override
    public UrlSourceEnum getUrlSource() {
      return UrlSourceEnum.EXPLICIT;
    }

    @Override
    public void setUrlSource(UrlSourceEnum source) {}
  }
}
