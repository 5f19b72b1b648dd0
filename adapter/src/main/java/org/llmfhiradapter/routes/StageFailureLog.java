package org.llmfhiradapter.routes;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' one warning that a stage failed, once per job: when the EHR goes away in the middle
 * of a pull, every pull thread's patient fails with the same error, and each would say so. Only the
 * stage and the error's type: the message itself is printed once, by the command line.
 */
public final class StageFailureLog {

  private static final Logger log = LoggerFactory.getLogger("org.llmfhiradapter.routes");

  /** The jobs (their first exchange) already reported; one per failed job of this context. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Called by the routes' error handler with the failed exchange. */
  public void failed(Exchange exchange) {
    // A split's exchanges carry the job's exchange id as their correlation id.
    String job = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
    if (!reported.add(job != null ? job : exchange.getExchangeId())) {
      return;
    }
    Exception cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
    log.warn(
        "Stage {} failed with {}",
        exchange.getFromRouteId(),
        cause == null ? "an error" : cause.getClass().getSimpleName());
  }
}
