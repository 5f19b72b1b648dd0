package org.llmfhiradapter.store;

/** Another sync holds the lock: this one must not run. */
public final class SyncLockedException extends StoreException {

  public SyncLockedException(String message) {
    super(message);
  }
}
