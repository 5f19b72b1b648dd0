package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.Main;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;

/**
 * {@code serve}: a Camel application that runs a sync on {@code llm.sync.schedule} (Quartz, UTC)
 * and serves health and Prometheus metrics on Camel's management HTTP server ({@code
 * llm.serve.host}:{@code port}): {@code /observe/health} and {@code /observe/metrics}.
 */
public final class SyncServer implements AutoCloseable {

  static final String SERVE_ROUTES = "serve.camel.yaml";

  private final Main camel;
  private final SyncService service;

  private SyncServer(Main camel, SyncService service) {
    this.camel = camel;
    this.service = service;
  }

  /**
   * Checks the settings and the store, then starts the schedule and the management server.
   *
   * @throws org.llmfhiradapter.config.ConfigException for a wrong setting, before anything starts
   */
  public static SyncServer start(FhirContext fhirContext, Settings settings) {
    AdapterConfig config = AdapterConfig.from(settings);
    SyncService service =
        new SyncService(settings, new SyncRunner(fhirContext), config.sync().schedule());
    // The store's schema is brought up to date now: a store that cannot be reached fails the start,
    // not 2 a.m.
    SyncRunner.open(config.store(), System.getenv()).close();
    int port = settings.getInt("llm.serve.port");
    if (port < 1 || port > 65535) {
      throw new org.llmfhiradapter.config.ConfigException(
          "Setting llm.serve.port must be between 1 and 65535, but is " + port);
    }

    Properties properties = settings.asProperties();
    properties.put("llm.serve.cron", config.sync().schedule().trim().replaceAll("\\s+", "+"));
    properties.put("camel.management.enabled", "true");
    properties.put("camel.management.host", settings.get("llm.serve.host"));
    properties.put("camel.management.port", String.valueOf(port));
    properties.put("camel.management.healthCheckEnabled", "true");
    properties.put("camel.management.metricsEnabled", "true");
    properties.put("camel.metrics.enabled", "true");
    // Every check listed, with its details on ?data=true (the sync's last status, age, next run).
    properties.put("camel.health.exposureLevel", "full");
    Main camel = new Main();
    camel.setOverrideProperties(properties);
    camel
        .configure()
        .withRoutesIncludePattern(
            PipelineRunner.routesPattern(config.pipeline().routes(), SERVE_ROUTES));
    camel.bind("syncService", service);
    try {
      camel.start();
    } catch (Exception e) {
      camel.stop();
      throw new IllegalStateException("The sync service could not start: " + e.getMessage(), e);
    }
    HealthCheckRegistry.get(camel.getCamelContext()).register(new SyncHealthCheck(service));
    MeterRegistry meters =
        camel.getCamelContext().getRegistry().findSingleByType(MeterRegistry.class);
    if (meters != null) {
      service.bindMetrics(meters);
    }
    return new SyncServer(camel, service);
  }

  public SyncService service() {
    return service;
  }

  /** Blocks until the process is stopped (SIGTERM, Ctrl-C). */
  public void await() throws InterruptedException {
    Thread stopper = new Thread(this::close, "llm-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    new java.util.concurrent.CountDownLatch(1).await();
  }

  @Override
  public void close() {
    camel.stop();
  }
}
