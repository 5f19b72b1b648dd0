package org.llmfhiradapter.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * In front of the whole sandbox: while SMART is on, answers the token endpoint and the SMART
 * configuration, and lets a FHIR request through only with a valid bearer token whose scopes allow
 * it (401 without one, 403 when its scopes do not reach). {@code metadata} stays open, as on Epic
 * and Cerner. Off, it passes all.
 */
final class SmartGuard implements Filter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<SmartAuthorization> smart;
  private final String fhirPath;

  SmartGuard(Supplier<SmartAuthorization> smart, String fhirPath) {
    this.smart = smart;
    this.fhirPath = fhirPath;
  }

  @Override
  public void doFilter(
      ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
      throws IOException, ServletException {
    SmartAuthorization authorization = smart.get();
    HttpServletRequest request = (HttpServletRequest) servletRequest;
    HttpServletResponse response = (HttpServletResponse) servletResponse;
    String path = request.getRequestURI();
    if (authorization == null) {
      chain.doFilter(request, response);
      return;
    }
    String tokenUrl = "http://127.0.0.1:" + request.getLocalPort() + SmartAuthorization.TOKEN_PATH;
    if (path.equals(SmartAuthorization.TOKEN_PATH) && request.getMethod().equals("POST")) {
      token(authorization, request, response, tokenUrl);
      return;
    }
    if (path.equals(fhirPath + "/.well-known/smart-configuration")
        && request.getMethod().equals("GET")) {
      send(response, 200, authorization.configuration(tokenUrl));
      return;
    }
    if (!path.startsWith(fhirPath + "/") && !path.equals(fhirPath)
        || path.equals(fhirPath + "/metadata")) {
      chain.doFilter(request, response);
      return;
    }
    Optional<SmartAuthorization.Grant> grant =
        authorization.grantOf(request.getHeader("Authorization"));
    if (grant.isEmpty()) {
      response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      send(
          response,
          401,
          outcome("A valid bearer token is required (SMART Backend Services: " + tokenUrl + ")"));
      return;
    }
    String relative = path.substring(fhirPath.length());
    String[] segments = relative.replaceFirst("^/", "").split("/");
    String type =
        !segments[0].isEmpty() && Character.isUpperCase(segments[0].charAt(0)) ? segments[0] : null;
    // A bulk export (kick-off, status, cancel, its files) reads, whatever the method; its files are
    // Binary.
    boolean export = relative.contains("$export") || "Binary".equals(type);
    boolean write =
        !export && !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD");
    if (!grant.get().permits("Binary".equals(type) ? null : type, write)) {
      send(
          response,
          403,
          outcome(
              "The token's scopes ("
                  + String.join(" ", grant.get().scopes())
                  + ") do not allow "
                  + (write ? "writing " : "reading ")
                  + (type == null ? "this" : type)));
      return;
    }
    chain.doFilter(request, response);
  }

  private static void token(
      SmartAuthorization authorization,
      HttpServletRequest request,
      HttpServletResponse response,
      String tokenUrl)
      throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    request
        .getParameterMap()
        .forEach((name, values) -> form.put(name, values.length == 0 ? "" : values[0]));
    response.setHeader("Cache-Control", "no-store");
    try {
      send(response, 200, authorization.token(form, tokenUrl));
    } catch (SmartAuthorization.Refusal refusal) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("error", refusal.error());
      error.put("error_description", refusal.getMessage());
      send(response, refusal.error().equals("invalid_client") ? 401 : 400, error);
    }
  }

  private static Map<String, Object> outcome(String text) {
    return Map.of(
        "resourceType",
        "OperationOutcome",
        "issue",
        java.util.List.of(Map.of("severity", "error", "code", "security", "diagnostics", text)));
  }

  private static void send(HttpServletResponse response, int status, Object body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType(
        body instanceof Map<?, ?> map && map.containsKey("resourceType")
            ? "application/fhir+json"
            : "application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
