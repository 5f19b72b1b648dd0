package org.llmfhiradapter.sandbox;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One embedded FHIR server for the whole test run: it takes tens of seconds to start, so every
 * integration test class that declares {@code @ExtendWith(SharedSandbox.class)} shares it (each
 * test seeds its own resources under its own ids). Tests receive it as a {@link SandboxServer}
 * parameter.
 */
public final class SharedSandbox implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SandboxServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  private static SandboxServer server(ExtensionContext context) {
    return SharedServers.get(context, "sandbox");
  }
}
