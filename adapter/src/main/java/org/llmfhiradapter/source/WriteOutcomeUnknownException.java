package org.llmfhiradapter.source;

/**
 * A write whose last attempt got no answer, and whose result could not be read back either: the
 * server may or may not hold it. Only a rerun tells (a write safe to repeat replaces, never
 * duplicates).
 */
public final class WriteOutcomeUnknownException extends SourceException {
  WriteOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
