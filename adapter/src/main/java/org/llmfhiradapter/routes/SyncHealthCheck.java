package org.llmfhiradapter.routes;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The sync service's health for {@code /observe/health}: the last sync's status and age and the
 * next run. A readiness check only: a failed sync (an EHR down for the night) is a reason to look,
 * not to restart the process, and the next trigger tries again. DOWN when the last sync failed.
 */
final class SyncHealthCheck extends AbstractHealthCheck {

  private final SyncService service;

  SyncHealthCheck(SyncService service) {
    super("llm", "sync");
    this.service = service;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    Instant now = Instant.now();
    builder.detail("running", service.isRunning());
    service.nextRun().ifPresent(next -> builder.detail("next_run", next.toString()));
    service
        .lastSuccess()
        .ifPresent(
            at ->
                builder.detail("last_success_age_seconds", Duration.between(at, now).toSeconds()));
    if (service.last().isEmpty()) {
      builder.detail("last_status", "none yet");
      builder.up();
      return;
    }
    SyncService.LastSync last = service.last().get();
    builder.detail("last_status", last.status());
    builder.detail("last_ended", last.endedAt().toString());
    builder.detail("last_age_seconds", Duration.between(last.endedAt(), now).toSeconds());
    if (last.runId() > 0) {
      builder.detail("last_run", last.runId());
    }
    if (last.status().equals("failed")) {
      builder.message("the last sync failed: " + last.message());
      builder.down();
    } else {
      builder.up();
    }
  }
}
