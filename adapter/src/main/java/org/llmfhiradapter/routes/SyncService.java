package org.llmfhiradapter.routes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.llmfhiradapter.config.ConfigException;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.store.SyncLockedException;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync as {@code serve}'s schedule calls it: one sync at a time in this process, its outcome
 * kept for the health check and the metrics. A failed sync is logged in one line and reported,
 * never thrown at the scheduler (the next trigger tries again; the watermark did not move).
 */
public final class SyncService {

  private static final Logger log = LoggerFactory.getLogger(SyncService.class);

  /**
   * The last sync's outcome.
   *
   * @param status published, computed, failed or skipped (another sync held the lock)
   * @param endedAt when it ended
   * @param runId its number in the store (0 when it did not start)
   * @param message why it failed or was skipped, one line (no patient data: the errors name rules
   *     and servers)
   */
  public record LastSync(
      String status, Instant endedAt, Duration took, long runId, String message) {}

  private final Settings settings;
  private final SyncRunner runner;
  private final CronExpression schedule;
  private final ReentrantLock running = new ReentrantLock();
  private final Map<String, Counter> runs = new ConcurrentHashMap<>();
  private volatile LastSync last;
  private volatile Instant lastSuccess;
  private volatile MeterRegistry meters;

  SyncService(Settings settings, SyncRunner runner, String schedule) {
    this.settings = settings;
    this.runner = runner;
    this.schedule = cron(schedule);
  }

  /** Checks a Quartz cron expression (UTC) and returns it parsed. */
  static CronExpression cron(String expression) {
    try {
      CronExpression cron = new CronExpression(expression);
      cron.setTimeZone(TimeZone.getTimeZone("UTC"));
      return cron;
    } catch (java.text.ParseException e) {
      throw new ConfigException(
          "Setting llm.sync.schedule is not a Quartz cron expression ("
              + e.getMessage()
              + "): '"
              + expression
              + "'");
    }
  }

  /** Publishes the sync metrics to Camel's meter registry (Prometheus at /observe/metrics). */
  void bindMetrics(MeterRegistry registry) {
    this.meters = registry;
    Gauge.builder(
            "llm.sync.last.success.timestamp",
            this,
            s -> s.lastSuccess == null ? 0 : s.lastSuccess.getEpochSecond())
        .description(
            "When the last sync that published (or computed) ended, in seconds since the epoch; 0: none yet")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "llm.sync.last.duration",
            this,
            s -> s.last == null ? 0 : s.last.took().toMillis() / 1000.0)
        .description("How long the last sync took")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Runs one sync unless one is already running in this process. */
  public void runScheduled() {
    if (!running.tryLock()) {
      log.info("A sync is still running in this service; this trigger is skipped");
      return;
    }
    Instant started = Instant.now();
    try {
      SyncRunner.SyncResult result = runner.sync(settings, false);
      String status = result.run().publication() == null ? "computed" : "published";
      record(
          new LastSync(
              status,
              Instant.now(),
              Duration.between(started, Instant.now()),
              result.runId(),
              null));
      lastSuccess = Instant.now();
    } catch (SyncLockedException e) {
      log.info("Sync skipped: {}", e.getMessage());
      record(
          new LastSync(
              "skipped",
              Instant.now(),
              Duration.between(started, Instant.now()),
              0,
              e.getMessage()));
    } catch (RuntimeException e) {
      String message =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : e.getMessage().lines().findFirst().orElse("");
      log.warn("Sync failed: {}", message);
      record(
          new LastSync(
              "failed", Instant.now(), Duration.between(started, Instant.now()), 0, message));
    } finally {
      running.unlock();
    }
  }

  private void record(LastSync outcome) {
    last = outcome;
    MeterRegistry registry = meters;
    if (registry != null) {
      runs.computeIfAbsent(
              outcome.status(),
              status ->
                  Counter.builder("llm.sync.runs")
                      .description("Syncs run by this service, by outcome")
                      .tag("status", status)
                      .register(registry))
          .increment();
    }
  }

  public Optional<LastSync> last() {
    return Optional.ofNullable(last);
  }

  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /** When the schedule fires next. */
  public Optional<Instant> nextRun() {
    Date next = schedule.getNextValidTimeAfter(new Date());
    return Optional.ofNullable(next).map(Date::toInstant);
  }

  /** Whether a sync is running now. */
  public boolean isRunning() {
    return running.isLocked();
  }
}
