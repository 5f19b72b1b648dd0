package org.llmfhiradapter.conformance;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads text line by line without ever holding more than a bounded line: a line longer than the
 * limit is skipped to its end (and reported as too long), however long it is, so one 200 MB line
 * costs no more memory than one short one.
 */
final class BoundedLines implements AutoCloseable {

  private final Reader reader;
  private final long maxChars;
  private final StringBuilder line = new StringBuilder();
  private int number;
  private boolean tooLong;

  BoundedLines(Reader reader, long maxChars) {
    this.reader = reader;
    this.maxChars = maxChars;
  }

  /**
   * The next line (without its end; empty when it was too long), or null at the end of the text.
   */
  String next() throws IOException {
    line.setLength(0);
    tooLong = false;
    long length = 0;
    int c = reader.read();
    if (c == -1) {
      return null;
    }
    number++;
    while (c != -1 && c != '\n') {
      if (++length > maxChars) {
        tooLong = true;
        line.setLength(0);
      } else if (c != '\r') {
        line.append((char) c);
      }
      c = reader.read();
    }
    return tooLong ? "" : line.toString();
  }

  /** The 1-based number of the line last returned. */
  int number() {
    return number;
  }

  /** Whether the line last returned was over the limit (and so returned empty). */
  boolean tooLong() {
    return tooLong;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
