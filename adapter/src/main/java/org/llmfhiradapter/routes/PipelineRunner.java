package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.cohort.CohortMapper;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.publish.MeasureReportFactory;
import org.llmfhiradapter.publish.MeasureReportPublisher;
import org.llmfhiradapter.publish.PublishStage;
import org.llmfhiradapter.publish.StudyRun;
import java.util.ArrayList;
import java.util.List;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.source.Authentication;
import org.llmfhiradapter.source.FhirSource;
import org.llmfhiradapter.source.auth.AuthConfig;

/**
 * Runs the cohort job once: starts Camel (camel-main) with the YAML routes and the stage beans, sends one
 * request to {@code direct:cohort-job}, and returns what the routes produced.
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
   * @throws RuntimeException the stage's own exception (source, publish, config) with a user-facing message
   */
  public StudyRun run(Settings settings) {
    AdapterConfig config = AdapterConfig.from(settings);
    ProfileValidator validator = ProfileValidator.shared(fhirContext);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    List<String> observationCodes = new ArrayList<>();
    for (ResourceRole role : ResourceRole.values()) {
      if (role.resourceType().equals("Observation")) {
        observationCodes.addAll(classifier.codes(role));
      }
    }
    Authentication authentication = Authentication.of(AuthConfig.from(settings), config.source());
    FhirSource source =
        new FhirSource(fhirContext, config.source(), observationCodes, config.pipeline().dataCutoff(), authentication);
    ExecutorService pullThreads = Executors.newFixedThreadPool(config.pipeline().concurrency(), namedThreads());

    Main camel = new Main();
    try {
      // Override, not initial: camel-main also reads the packaged application.properties, which would win.
      camel.setOverrideProperties(settings.asProperties());
      camel.configure().withRoutesIncludePattern(routesPattern(config.pipeline().routes()));
      camel.bind("source", source);
      camel.bind("conformance", new ConformanceReview(classifier, validator));
      camel.bind("cohortMapper", new CohortMapper(classifier, config.pipeline().dataCutoff()));
      camel.bind("cohort", new CohortAggregation());
      camel.bind("analysis", new StudyAnalysis(config.publish().cohortName(), config.pipeline().dataCutoff()));
      org.hl7.fhir.r4.model.Measure measure = validator.profiles().measure();
      camel.bind(
          "publisher",
          new PublishStage(
              source.baseUrl(),
              new MeasureReportPublisher(
                  source.client(),
                  source.requests(),
                  new MeasureReportFactory(config.publish(), measure.getVersion()),
                  measure,
                  validator)));
      camel.bind("pullThreads", pullThreads);
      camel.bind("progress", new PullProgress(config.pipeline().progressEvery()));
      camel.start();
      try (ProducerTemplate producer = camel.getCamelContext().createProducerTemplate()) {
        return producer.requestBody(JOB_ENDPOINT, null, StudyRun.class);
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

  /** Routes from the folder when it exists (editable without recompiling), else the packaged copies. */
  static String routesPattern(String folder) {
    Path dir = Path.of(folder);
    if (Files.isDirectory(dir)) {
      return "file:" + dir.toAbsolutePath() + "/*.camel.yaml";
    }
    return "classpath:routes/*.camel.yaml";
  }

  /** The stage's own exception under Camel's wrappers (execution, exchange, split failures). */
  static RuntimeException unwrap(CamelExecutionException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause
        && cause.getClass().getName().startsWith("org.apache.camel.")) {
      cause = cause.getCause();
    }
    return cause instanceof RuntimeException runtime && !cause.getClass().getName().startsWith("org.apache.camel.")
        ? runtime
        : e;
  }

  private static ThreadFactory namedThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "llm-pull-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
