package org.llmfhiradapter.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync lock while this process holds it: renewed in the background every third of the lease,
 * released on {@link #close()}. A process killed without closing it (kill -9) stops renewing, and
 * the lock lapses one lease after the last renewal, so the next sync can run.
 */
public final class SyncLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncLease.class);

  private final CohortStore store;
  private final String owner;
  private final Duration lease;
  private final ScheduledExecutorService renewals;

  /**
   * Held by a renewal while it runs, and by {@link #close()} and {@link #halt()} to wait for one to
   * end.
   */
  private final Object renewing = new Object();

  private volatile boolean held = true;
  private volatile boolean stopped;

  SyncLease(CohortStore store, String owner, Duration lease) {
    this.store = store;
    this.owner = owner;
    this.lease = lease;
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "llm-sync-lease");
              thread.setDaemon(true);
              return thread;
            });
    long every = Math.max(200, lease.toMillis() / 3);
    renewals.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  private void renew() {
    synchronized (renewing) {
      if (stopped) {
        return;
      }
      try {
        if (!store.renew(owner, lease)) {
          held = false;
          log.warn(
              "The sync lock was lost (its lease lapsed and another sync took it); this sync will not publish");
          renewals.shutdown();
        }
      } catch (StoreException e) {
        // A passing database hiccup: the next renewal may work, and the lease has two more thirds
        // to go.
        log.warn("Renewing the sync lock failed: {}", e.getMessage());
      }
    }
  }

  /**
   * Stops the renewals, waiting for one in flight to end. Never by interrupting it: H2 closes its
   * file channel when a thread writing to it is interrupted, and the whole database with it (a sync
   * then failed at releasing the lock with "The database has been closed").
   */
  private void stopRenewing() {
    synchronized (renewing) {
      stopped = true;
    }
    renewals.shutdown();
  }

  /** Records on the lock which run this sync is. */
  public void attachRun(long runId) {
    store.attachRun(owner, runId);
  }

  /** Whether the lock is still this process's (checked again against the store). */
  public boolean stillHeld() {
    return held && store.renew(owner, lease);
  }

  /**
   * Stops renewing without releasing, as a process killed mid-sync does (tests of lapsed leases).
   */
  void halt() {
    stopRenewing();
    held = false;
  }

  @Override
  public void close() {
    stopRenewing();
    if (held) {
      store.release(owner);
    }
  }
}
