package org.llmfhiradapter.sandbox;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One embedded FHIR server for the whole test run: it takes tens of seconds to start, so every
 * integration test class that declares {@code @ExtendWith(SharedSandbox.class)} shares it (each test seeds
 * its own resources under its own ids). Tests receive it as a {@link SandboxServer} parameter.
 */
public final class SharedSandbox implements BeforeAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(SharedSandbox.class);

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
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Holder.class, k -> new Holder(SandboxServer.start(0)), Holder.class)
        .server;
  }

  /** Closes the server when the test run ends. */
  private record Holder(SandboxServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }
}
