package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.StudyRun;

/**
 * Runs the cohort job once: starts Camel (camel-main) with the YAML routes and the stage beans,
 * sends one request to {@code direct:cohort-job}, and returns what the routes produced. The sync
 * ({@link SyncRunner}) starts Camel the same way, with its own routes beside these.
 */
public final class PipelineRunner {

  /** Entry endpoint of the job in {@code routes/cohort-job.camel.yaml}. */
  public static final String JOB_ENDPOINT = "direct:cohort-job";

  private final FhirContext fhirContext;

  public PipelineRunner(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  /**
   * Runs pull → map → analyze → publish against {@code settings}' source server.
   *
   * @throws RuntimeException the stage's own exception (source, publish, config) with a user-facing
   *     message
   */
  public StudyRun run(Settings settings) {
    JobStages stages = JobStages.forRun(fhirContext, settings);
    return runJob(
        settings,
        stages,
        routesPattern(stages.config.pipeline().routes(), JOB_ROUTES),
        beans -> {},
        producer -> producer.requestBody(JOB_ENDPOINT, null, StudyRun.class));
  }

  /** The route file of the one-shot job. */
  static final String JOB_ROUTES = "cohort-job.camel.yaml";

  /**
   * Starts Camel with the given route files and the stage beans (and any more {@code extra} binds),
   * lets {@code requests} send what the job needs, and returns its answer.
   */
  static <T> T runJob(
      Settings settings,
      JobStages stages,
      String routes,
      java.util.function.Consumer<Main> extra,
      java.util.function.Function<ProducerTemplate, T> requests) {
    ExecutorService pullThreads = stages.pullThreads();
    Main camel = new Main();
    try {
      // Override, not initial: camel-main also reads the packaged application.properties, which
      // would win.
      camel.setOverrideProperties(settings.asProperties());
      camel.configure().withRoutesIncludePattern(routes);
      stages.bindTo(camel, pullThreads);
      extra.accept(camel);
      camel.start();
      try (ProducerTemplate producer = camel.getCamelContext().createProducerTemplate()) {
        return requests.apply(producer);
      }
    } catch (CamelExecutionException e) {
      throw unwrap(e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      camel.stop();
      pullThreads.shutdownNow();
    }
  }

  /**
   * Routes from the folder when it exists (editable without recompiling), else the packaged copies.
   */
  static String routesPattern(String folder, String... files) {
    Path dir = Path.of(folder);
    List<String> patterns = new ArrayList<>();
    for (String file : files) {
      patterns.add(
          Files.isDirectory(dir)
              ? "file:" + dir.toAbsolutePath() + "/" + file
              : "classpath:routes/" + file);
    }
    return String.join(",", patterns);
  }

  /** The stage's own exception under Camel's wrappers (execution, exchange, split failures). */
  static RuntimeException unwrap(CamelExecutionException e) {
    Throwable cause = e;
    while (cause.getCause() != null
        && cause.getCause() != cause
        && cause.getClass().getName().startsWith("org.apache.camel.")) {
      cause = cause.getCause();
    }
    return cause instanceof RuntimeException runtime
            && !cause.getClass().getName().startsWith("org.apache.camel.")
        ? runtime
        : e;
  }
}
