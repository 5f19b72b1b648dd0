package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.publish.AdapterVersion;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.source.FhirSource;
import org.llmfhiradapter.store.CohortStore;
import org.llmfhiradapter.store.SourceState;
import org.llmfhiradapter.store.StoreException;
import org.llmfhiradapter.store.SyncCounts;
import org.llmfhiradapter.store.SyncLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registry sync: takes the lock in the cohort store, fetches and maps only the candidates
 * that are new or changed since the watermark, analyses the whole stored cohort, publishes, and
 * only then moves the watermark, in the same transaction that ends the run. Killed at any point, a
 * rerun reaches the same cohort and report: outcomes are stored one by one as they are made, the
 * report is an update on its identifier, and the watermark has not moved.
 */
public final class SyncRunner {

  /**
   * One source's part of the sync in {@code routes/sync-job.camel.yaml}; header llmSource names the
   * source.
   */
  public static final String SYNC_SOURCE_ENDPOINT = "direct:sync-source";

  /** Analysis and publication of the whole stored cohort, after every source. */
  public static final String SYNC_PUBLISH_ENDPOINT = "direct:sync-publish";

  static final String SYNC_ROUTES = "sync-job.camel.yaml";

  /** Environment variable holding the store's database password. */
  public static final String STORE_PASSWORD_ENV = "LLM_STORE_PASSWORD";

  private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

  private final FhirContext fhirContext;

  public SyncRunner(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  /**
   * What one sync did.
   *
   * @param runId the run's number in the store
   * @param mode incremental or full
   * @param run the analysis of the whole stored cohort and where it was published
   */
  public record SyncResult(long runId, String mode, SyncCounts counts, StudyRun run) {}

  /**
   * One sync.
   *
   * @param full fetch every candidate whatever the watermark says (finds resources deleted on the
   *     server)
   * @throws org.llmfhiradapter.store.SyncLockedException when another sync is running
   */
  public SyncResult sync(Settings settings, boolean full) {
    AdapterConfig config = AdapterConfig.from(settings);
    try (CohortStore store = open(config.store(), System.getenv())) {
      // The lock first: a second sync says so within a second instead of after loading the
      // validator.
      try (SyncLease lease = store.lock(owner(), config.sync().lockLease())) {
        JobStages stages = JobStages.forSync(fhirContext, settings);
        String mappingKey = mappingKey(stages, settings);
        // Each source is incremental on its own when it can be (a new source beside known ones is
        // pulled whole); the run is incremental when every source is.
        Map<String, SyncStage.SourcePlan> plans = new LinkedHashMap<>();
        for (AdapterConfig.NamedSource named : config.syncSources()) {
          FhirSource source = stages.sources.get(named.name());
          SourceState state =
              store.registerSource(
                  named.name(), named.server().baseUrl(), named.server().vendor(), mappingKey);
          Instant since =
              full || !source.hasChangeFeed()
                  ? null
                  : state.watermark().map(mark -> mark.minus(config.sync().overlap())).orElse(null);
          plans.put(
              named.name(), new SyncStage.SourcePlan(source, store.patients(named.name()), since));
        }
        boolean incremental = plans.values().stream().allMatch(plan -> plan.changesSince() != null);
        String mode = incremental ? "incremental" : "full";
        long runId = store.startRun(mode);
        lease.attachRun(runId);
        SyncStage stage = new SyncStage(store, runId, fhirContext);
        plans.forEach(stage::plan);
        Map<String, Instant> watermarks = new LinkedHashMap<>();
        StudyRun run;
        try {
          run =
              PipelineRunner.runJob(
                  settings,
                  stages,
                  PipelineRunner.routesPattern(
                      config.pipeline().routes(), PipelineRunner.JOB_ROUTES, SYNC_ROUTES),
                  camel -> camel.bind("sync", stage),
                  producer -> {
                    for (String name : plans.keySet()) {
                      // The next sync looks for changes from this source's start (less the
                      // overlap), or for a bulk source from its first export's transactionTime:
                      // the server's clock, which its _since compares with.
                      Instant started = Instant.now();
                      producer.requestBodyAndHeader(
                          SYNC_SOURCE_ENDPOINT, null, SyncStage.SOURCE, name);
                      watermarks.put(
                          name, plans.get(name).source().firstExportTime().orElse(started));
                    }
                    return producer.requestBody(SYNC_PUBLISH_ENDPOINT, null, StudyRun.class);
                  });
        } catch (RuntimeException e) {
          endFailed(store, runId, lease, stage.counts(null), e);
          throw e;
        }
        SyncCounts counts = stage.counts(run.result().cohort());
        String status = run.publication() == null ? "computed" : "published";
        store.finishRun(
            runId,
            lease,
            status,
            counts,
            run.publication() == null ? null : run.publication().reportUrl(),
            null,
            watermarks);
        log.info(
            "Sync run {} ({}): {} candidates, {} fetched ({} new, {} changed, {} unchanged), {} removed; {}",
            runId,
            mode,
            counts.candidates(),
            counts.fetched(),
            counts.added(),
            counts.changed(),
            counts.unchanged(),
            counts.removed(),
            status);
        return new SyncResult(runId, mode, counts, run);
      }
    }
  }

  private static void endFailed(
      CohortStore store, long runId, SyncLease lease, SyncCounts counts, RuntimeException e) {
    try {
      store.finishRun(runId, lease, "failed", counts, null, e.getMessage(), Map.of());
    } catch (StoreException recordFailed) {
      e.addSuppressed(recordFailed);
    }
  }

  /** Opens the configured store (its password from env or file, never from the settings). */
  public static CohortStore open(AdapterConfig.Store config, Map<String, String> env) {
    return CohortStore.open(config.url(), config.user(), password(config, env));
  }

  private static String password(AdapterConfig.Store config, Map<String, String> env) {
    String fromEnv = env.get(STORE_PASSWORD_ENV);
    boolean hasEnv = fromEnv != null && !fromEnv.isEmpty();
    if (hasEnv && !config.passwordFile().isEmpty()) {
      throw new ConfigException(
          "The store password is given twice, by env "
              + STORE_PASSWORD_ENV
              + " and by setting llm.store.password-file:"
              + " keep one");
    }
    if (hasEnv) {
      return fromEnv;
    }
    if (config.passwordFile().isEmpty()) {
      return "";
    }
    Path file = Path.of(config.passwordFile());
    try {
      return Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "Setting llm.store.password-file names " + file + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(
          "Setting llm.store.password-file names " + file + ", which cannot be read");
    }
  }

  /**
   * What the stored outcomes depend on besides the resources: the adapter build, our profiles and a
   * fixed data cut-off. When it changes, every patient is mapped again. (A cut-off of "today" moves
   * daily without making stored outcomes wrong: events after the last fetch come with updated
   * resources.)
   */
  static String mappingKey(JobStages stages, Settings settings) {
    String cutoff = settings.get("llm.pipeline.data-cutoff");
    return AdapterVersion.current()
        + "|profiles "
        + stages.validator.profiles().measure().getVersion()
        + "|cutoff "
        + (cutoff.isEmpty() ? "today" : cutoff);
  }

  /**
   * Who holds the lock: host, process id and a random tag (two JVMs in one process space differ).
   */
  private static String owner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host
        + " pid "
        + ProcessHandle.current().pid()
        + " "
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
