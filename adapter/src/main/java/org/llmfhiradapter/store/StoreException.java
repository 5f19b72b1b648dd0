package org.llmfhiradapter.store;

/**
 * The cohort store cannot be reached or used; the message names the store (never its password) and
 * the step.
 */
public class StoreException extends RuntimeException {

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
