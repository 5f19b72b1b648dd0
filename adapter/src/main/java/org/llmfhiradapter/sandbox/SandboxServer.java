package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * An in-process FHIR R4 server served over HTTP on a loopback port: the HAPI FHIR JPA server (on
 * in-memory H2 or PostgreSQL), or HAPI's plain server over an in-memory store. It is what {@code
 * demo}, {@code sandbox} and the integration tests talk to: only over HTTP, exactly as the adapter
 * talks to an EHR.
 */
public final class SandboxServer implements AutoCloseable {

  /** Path under which the FHIR base lives, as in HAPI's public test servers. */
  public static final String FHIR_PATH = "/fhir";

  private final Server jetty;
  private final String baseUrl;
  private final RestfulServer fhirServlet;

  /** The SMART authorization the FHIR endpoints require; empty: open. */
  private final AtomicReference<SmartAuthorization> smart;

  /** Stops what keeps the resources (HAPI JPA's Spring context and its database, or nothing). */
  private final Runnable stopBackend;

  private VendorPersonality personality;

  private SandboxServer(
      Server jetty,
      String baseUrl,
      RestfulServer fhirServlet,
      AtomicReference<SmartAuthorization> smart,
      Runnable stopBackend) {
    this.jetty = jetty;
    this.baseUrl = baseUrl;
    this.fhirServlet = fhirServlet;
    this.smart = smart;
    this.stopBackend = stopBackend;
  }

  /**
   * Bulk export's batch jobs advance on maintenance passes, which HAPI schedules a minute apart; a
   * sandbox runs one every half second, so that an export of the seeded patients is ready in
   * seconds.
   */
  private static ScheduledExecutorService batchMaintenance(
      AnnotationConfigApplicationContext spring) {
    ca.uhn.fhir.batch2.api.IJobMaintenanceService service =
        spring.getBean(ca.uhn.fhir.batch2.api.IJobMaintenanceService.class);
    java.util.concurrent.ScheduledExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sandbox-batch-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            service.triggerMaintenancePass();
          } catch (RuntimeException e) {
            // A pass that fails is tried again half a second later; the server itself is
            // unaffected.
          }
        },
        500,
        500,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return executor;
  }

  /**
   * Starts a server on {@code 127.0.0.1:port}; port 0 picks a free one.
   *
   * @throws SandboxException if the port is taken or the server cannot start
   */
  public static SandboxServer start(int port) {
    return start(port, VendorPersonality.Kind.NONE);
  }

  /** Starts a server that behaves like the given vendor's API ({@link VendorPersonality}). */
  public static SandboxServer start(int port, VendorPersonality.Kind personality) {
    return start(port, personality, "");
  }

  /**
   * Starts a server keeping its data in {@code databaseUrl}: empty for in-memory H2, or a
   * PostgreSQL database (in a schema of its own, dropped when the server stops).
   */
  public static SandboxServer start(
      int port, VendorPersonality.Kind personality, String databaseUrl) {
    AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
    SandboxDatabase database =
        SandboxDatabase.open(databaseUrl, System.getenv("LLM_SANDBOX_DATABASE_PASSWORD"));
    Runnable stopJpa =
        () -> {
          spring.close();
          database.drop();
        };
    RestfulServer fhirServlet;
    try {
      spring.registerBean(SandboxDatabase.class, () -> database);
      spring.register(JpaServerConfig.class);
      spring.refresh();
      fhirServlet = restfulServer(spring);
    } catch (RuntimeException e) {
      stopJpa.run();
      throw cannotStart(port, e);
    }
    ScheduledExecutorService maintenance = batchMaintenance(spring);
    return serve(
        port,
        fhirServlet,
        personality,
        () -> {
          maintenance.shutdownNow();
          stopJpa.run();
        });
  }

  /**
   * Starts a server keeping its resources in memory, without HAPI's JPA layer ({@link
   * MemoryStore}): it reads, searches by the parameters the adapter uses, pages, and takes
   * transactions, and it is ready in a second or two instead of HAPI JPA's ten or more. No bulk
   * export, history or {@code _lastUpdated}; those need {@link #start(int, VendorPersonality.Kind,
   * String)}.
   */
  public static SandboxServer startInMemory(int port, VendorPersonality.Kind personality) {
    FhirContext fhirContext = FhirContext.forR4Cached();
    MemoryStore store = new MemoryStore();
    RestfulServer server = new RestfulServer(fhirContext);
    for (Class<? extends Resource> type : MEMORY_TYPES) {
      server.registerProvider(new MemoryResourceProvider(type, store));
    }
    server.registerProvider(new MemoryTransaction(fhirContext, store));
    // The searches whose later pages may still be asked for: the newest 100, far more than a
    // pull's few threads have open at once.
    server.setPagingProvider(new FifoMemoryPagingProvider(100));
    server.setDefaultPrettyPrint(false);
    return serve(port, server, personality, () -> {});
  }

  /** The types the adapter pulls and publishes. */
  private static final List<Class<? extends Resource>> MEMORY_TYPES =
      List.of(
          Patient.class,
          Condition.class,
          Procedure.class,
          Observation.class,
          Group.class,
          Measure.class,
          MeasureReport.class,
          Device.class,
          Provenance.class);

  /** Serves the FHIR servlet on a loopback port, behind the SMART guard. */
  private static SandboxServer serve(
      int port,
      RestfulServer fhirServlet,
      VendorPersonality.Kind personality,
      Runnable stopBackend) {
    Server jetty = new Server(new InetSocketAddress("127.0.0.1", port));
    try {
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      context.addServlet(new ServletHolder(fhirServlet), FHIR_PATH + "/*");
      // The SMART guard sees every request first; it passes all until requireSmart turns it on.
      AtomicReference<SmartAuthorization> smart = new AtomicReference<>();
      context.addFilter(
          new org.eclipse.jetty.ee10.servlet.FilterHolder(new SmartGuard(smart::get, FHIR_PATH)),
          "/*",
          java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
      context.addFilter(
          new org.eclipse.jetty.ee10.servlet.FilterHolder(new ShortRetryAfter()),
          FHIR_PATH + "/*",
          java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
      jetty.setHandler(context);
      jetty.start();
      int actualPort = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
      SandboxServer server =
          new SandboxServer(
              jetty, "http://127.0.0.1:" + actualPort + FHIR_PATH, fhirServlet, smart, stopBackend);
      server.personality(personality);
      return server;
    } catch (Exception e) {
      stopQuietly(jetty);
      stopBackend.run();
      throw cannotStart(port, e);
    }
  }

  private static SandboxException cannotStart(int port, Exception e) {
    return new SandboxException(
        "The embedded FHIR server could not start on port " + port + ": " + rootMessage(e), e);
  }

  /**
   * HAPI answers a bulk export's status poll with {@code Retry-After: 120} whatever the job; the
   * sandbox fast-tracks its jobs, so it says 1 second, and a client that honours the header is not
   * kept waiting.
   */
  private static final class ShortRetryAfter implements jakarta.servlet.Filter {
    @Override
    public void doFilter(
        jakarta.servlet.ServletRequest request,
        jakarta.servlet.ServletResponse response,
        jakarta.servlet.FilterChain chain)
        throws java.io.IOException, jakarta.servlet.ServletException {
      String uri = ((jakarta.servlet.http.HttpServletRequest) request).getRequestURI();
      if (!uri.endsWith("$export-poll-status")) {
        chain.doFilter(request, response);
        return;
      }
      chain.doFilter(
          request,
          new jakarta.servlet.http.HttpServletResponseWrapper(
              (jakarta.servlet.http.HttpServletResponse) response) {
            @Override
            public void addHeader(String name, String value) {
              super.addHeader(name, "Retry-After".equalsIgnoreCase(name) ? "1" : value);
            }

            @Override
            public void setHeader(String name, String value) {
              super.setHeader(name, "Retry-After".equalsIgnoreCase(name) ? "1" : value);
            }
          });
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring) {
    FhirContext fhirContext = spring.getBean(FhirContext.class);
    RestfulServer server = new RestfulServer(fhirContext);
    ResourceProviderFactory resourceProviders = spring.getBean(ResourceProviderFactory.class);
    server.registerProviders(resourceProviders.createProviders());
    List<Object> plainProviders = new ArrayList<>();
    plainProviders.add(spring.getBean(JpaSystemProvider.class));
    plainProviders.add(spring.getBean(BulkDataExportProvider.class));
    server.registerProviders(plainProviders);
    server.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
    IFhirSystemDao systemDao = spring.getBean(IFhirSystemDao.class);
    server.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(
            server,
            systemDao,
            spring.getBean(JpaStorageSettings.class),
            spring.getBean(ISearchParamRegistry.class),
            spring.getBean(IValidationSupport.class)));
    server.setDefaultPrettyPrint(false);
    return server;
  }

  /** The FHIR base URL, e.g. {@code http://127.0.0.1:41233/fhir}. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * From now on the FHIR endpoints require a bearer token from this authorization's token endpoint
   * ({@link #tokenUrl()}); null opens them again.
   */
  public void requireSmart(SmartAuthorization authorization) {
    smart.set(authorization);
  }

  /** The token endpoint while SMART is required, e.g. {@code http://127.0.0.1:41233/auth/token}. */
  public String tokenUrl() {
    return baseUrl.substring(0, baseUrl.length() - FHIR_PATH.length())
        + SmartAuthorization.TOKEN_PATH;
  }

  /** Makes the API behave like a vendor's from now on (NONE: plain R4 again). */
  public synchronized void personality(VendorPersonality.Kind kind) {
    if (personality != null) {
      fhirServlet.unregisterInterceptor(personality);
      personality = null;
    }
    if (kind != VendorPersonality.Kind.NONE) {
      personality = new VendorPersonality(kind);
      fhirServlet.registerInterceptor(personality);
    }
  }

  /** Blocks until the server is stopped (by {@link #close()} or JVM shutdown). */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() {
    stopQuietly(jetty);
    stopBackend.run();
  }

  private static void stopQuietly(Server jetty) {
    if (jetty == null) {
      return;
    }
    try {
      jetty.stop();
    } catch (Exception ignored) {
      // Stopping is best effort: the JVM is usually about to exit.
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
