package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.main.Main;
import org.hl7.fhir.r4.model.Measure;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.cohort.CohortMapper;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.publish.CellSuppression;
import org.llmfhiradapter.publish.MeasureReportFactory;
import org.llmfhiradapter.publish.MeasureReportPublisher;
import org.llmfhiradapter.publish.PublishStage;
import org.llmfhiradapter.publish.RunLineage;
import org.llmfhiradapter.publish.SourceServer;
import org.llmfhiradapter.source.Authentication;
import org.llmfhiradapter.source.FhirConnection;
import org.llmfhiradapter.source.FhirSource;
import org.llmfhiradapter.source.auth.AuthConfig;

/**
 * The beans the routes call, built from the settings once per job: the sources with their own
 * credentials, the review and mapping, the analysis, and the publisher with the destination's own
 * connection and credentials.
 */
final class JobStages {

  final AdapterConfig config;
  final ProfileValidator validator;
  final RoleClassifier classifier;

  /** The sources by name, in configuration order; the one-shot job has one. */
  final Map<String, FhirSource> sources;

  final RunLineage lineage;
  final PublishStage publisher;

  private JobStages(
      FhirContext fhirContext, Settings settings, List<AdapterConfig.NamedSource> named) {
    this.config = AdapterConfig.from(settings);
    this.validator = ProfileValidator.shared(fhirContext);
    this.classifier = RoleClassifier.from(validator.profiles());
    List<String> observationCodes = classifier.observationCodes();
    Map<String, FhirSource> byName = new LinkedHashMap<>();
    List<SourceServer> servers = new ArrayList<>();
    for (AdapterConfig.NamedSource source : named) {
      // Each source's credentials come from its own settings (llm.source.auth or
      // llm.sources.<name>.auth).
      AuthConfig auth = AuthConfig.from(settings, System.getenv(), source.prefix() + ".auth");
      byName.put(
          source.name(),
          new FhirSource(
              fhirContext,
              source.server(),
              observationCodes,
              config.pipeline().dataCutoff(),
              Authentication.of(auth, source.server())));
      servers.add(
          new SourceServer(source.name(), source.server().baseUrl(), source.server().vendor()));
    }
    this.sources = byName;
    this.lineage = RunLineage.of(servers);
    this.publisher =
        new PublishStage(
            lineage,
            publisher(fhirContext, settings),
            new CellSuppression(config.publish().minCellSize()));
  }

  /** The stages of the one-shot job: the source of {@code llm.source.*}. */
  static JobStages forRun(FhirContext fhirContext, Settings settings) {
    AdapterConfig config = AdapterConfig.from(settings);
    if (!settings.sourceNames().isEmpty()) {
      throw new ConfigException(
          "Several sources (llm.sources.*) are for `sync` and `serve`; `run` pulls from llm.source.* only");
    }
    if (config.source().baseUrl().isEmpty()) {
      // Before anything slow starts: there is nothing to pull from.
      throw new ConfigException(
          "No FHIR server given: use run --base-url URL or set llm.source.base-url");
    }
    return new JobStages(
        fhirContext,
        settings,
        List.of(
            new AdapterConfig.NamedSource(
                AdapterConfig.DEFAULT_SOURCE, "llm.source", config.source())));
  }

  /** The stages of a sync: every configured source. */
  static JobStages forSync(FhirContext fhirContext, Settings settings) {
    return new JobStages(fhirContext, settings, AdapterConfig.from(settings).syncSources());
  }

  /** The first source (the only one of the one-shot job). */
  FhirSource firstSource() {
    return sources.values().iterator().next();
  }

  /**
   * The publisher, writing to the destination with the destination's credentials, or to the source
   * with the source's when no destination is set. The destination's connection is only opened when
   * publishing is on.
   */
  private MeasureReportPublisher publisher(FhirContext fhirContext, Settings settings) {
    FhirConnection destination = firstSource().connection();
    if (config.publish().enabled() && config.publish().hasOwnDestination()) {
      AdapterConfig.Source server = config.source().withBaseUrl(config.publish().baseUrl());
      Authentication auth =
          Authentication.of(AuthConfig.from(settings, System.getenv(), AuthConfig.PUBLISH), server);
      destination = FhirConnection.open(fhirContext, server, auth);
    }
    Measure measure = validator.profiles().measure();
    return new MeasureReportPublisher(
        destination,
        new MeasureReportFactory(config.publish(), measure.getVersion()),
        measure,
        validator);
  }

  /** Binds the stage beans under the names the routes use. */
  void bindTo(Main camel, ExecutorService pullThreads) {
    camel.bind("source", firstSource());
    camel.bind("conformance", new ConformanceReview(classifier, validator));
    camel.bind("cohortMapper", new CohortMapper(classifier, config.pipeline().dataCutoff()));
    camel.bind(
        "cohort", new CohortAggregation(firstSource().baseUrl(), firstSource()::exportErrors));
    camel.bind(
        "analysis",
        new StudyAnalysis(config.publish().cohortName(), config.pipeline().dataCutoff()));
    camel.bind("publisher", publisher);
    camel.bind("pullThreads", pullThreads);
    camel.bind("progress", new PullProgress(config.pipeline().progressEvery()));
    camel.bind("stageFailures", new StageFailureLog());
  }

  ExecutorService pullThreads() {
    return Executors.newFixedThreadPool(config.pipeline().concurrency(), namedThreads());
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
