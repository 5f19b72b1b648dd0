package org.llmfhiradapter.routes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long pull on the log: patients done of the total, the rate, and an estimate of the
 * time left, at most every {@code llm.pipeline.progress-seconds}. Counts only, never a patient.
 */
public final class PullProgress {

  private static final Logger log = LoggerFactory.getLogger("org.llmfhiradapter.progress");

  private final long everyNanos;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong lastReport = new AtomicLong();
  private volatile int total;
  private volatile long started;

  public PullProgress(Duration every) {
    this.everyNanos = every.toNanos();
  }

  /** Called with the candidates before the split; passes them on. */
  public List<String> start(List<String> candidates) {
    total = candidates.size();
    started = System.nanoTime();
    lastReport.set(started);
    done.set(0);
    log.info("Pulling {} patients", total);
    return candidates;
  }

  /** Called after each patient; passes the body on. */
  public Object patientDone(Object body) {
    int count = done.incrementAndGet();
    long now = System.nanoTime();
    long last = lastReport.get();
    if (now - last >= everyNanos && lastReport.compareAndSet(last, now)) {
      log.info(line(count, now));
    }
    return body;
  }

  /** Called after the split; passes the body on. */
  public Object finish(Object body) {
    log.info("Pull finished: " + line(done.get(), System.nanoTime()));
    return body;
  }

  private String line(int count, long now) {
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    double rate = count / seconds;
    String left =
        rate > 0 && count < total
            ? String.format(", about %.0f s left", (total - count) / rate)
            : "";
    return String.format(
        "%d of %d patients (%.0f%%), %.1f patients/s%s",
        count, total, total == 0 ? 100.0 : 100.0 * count / total, rate, left);
  }
}
