package org.llmfhiradapter.sandbox;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A second embedded FHIR server for the whole test run, standing in for the registry the sync
 * publishes to (the shared sandbox plays the EHR). Tests receive it as a {@link Registry}
 * parameter.
 */
public final class SharedRegistry implements BeforeAllCallback, ParameterResolver {

  /** The registry server. */
  public record Registry(SandboxServer server) {
    public String baseUrl() {
      return server.baseUrl();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    registry(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Registry.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return registry(context);
  }

  private static Registry registry(ExtensionContext context) {
    return new Registry(SharedServers.get(context, "registry"));
  }
}
