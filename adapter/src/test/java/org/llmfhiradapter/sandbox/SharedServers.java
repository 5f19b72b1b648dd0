package org.llmfhiradapter.sandbox;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Embedded servers started once per test run and closed when it ends, one per name: the extensions
 * that hand them to tests ({@link SharedSandbox}, {@link SharedRegistry}) keep them here.
 */
final class SharedServers {

  private static final Namespace NAMESPACE = Namespace.create(SharedServers.class);

  private SharedServers() {}

  /** The run's server of that name, started on first use. */
  static SandboxServer get(ExtensionContext context, String name) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(name, k -> new Holder(SandboxServer.start(0)), Holder.class)
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
