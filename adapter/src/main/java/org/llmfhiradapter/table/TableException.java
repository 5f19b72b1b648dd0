package org.llmfhiradapter.table;

/** A table file is missing or malformed; the message names the file, line and column. */
public final class TableException extends RuntimeException {
  public TableException(String message) {
    super(message);
  }
}
