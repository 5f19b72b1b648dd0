package org.llmfhiradapter.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of an NDJSON stream as bytes, handed on without decoding them to text (a bulk file is
 * read at the speed of the network only if no work is done per byte but finding line ends). A line
 * may end in {@code \n} or {@code \r\n}; blank lines are skipped; the last line needs no line end.
 */
final class NdjsonLines {

  /** What takes each line: {@code bytes[offset, offset + length)}, valid only during the call. */
  interface Consumer {
    void line(byte[] bytes, int offset, int length) throws IOException;
  }

  private NdjsonLines() {}

  static void read(InputStream in, Consumer consumer) throws IOException {
    byte[] buffer = new byte[1 << 16];
    int start = 0;
    int end = 0;
    int scanned = 0;
    while (true) {
      int newline = -1;
      for (int i = scanned; i < end; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      if (newline >= 0) {
        emit(buffer, start, newline, consumer);
        start = newline + 1;
        scanned = start;
        continue;
      }
      scanned = end;
      if (start > 0) {
        // The line begun so far moves to the front; a line longer than the buffer makes it grow.
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        scanned -= start;
        start = 0;
      }
      if (end == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        emit(buffer, start, end, consumer);
        return;
      }
      end += read;
    }
  }

  private static void emit(byte[] buffer, int from, int to, Consumer consumer) throws IOException {
    while (to > from && isSpace(buffer[to - 1])) {
      to--;
    }
    int first = from;
    while (first < to && isSpace(buffer[first])) {
      first++;
    }
    if (first < to) {
      consumer.line(buffer, first, to - first);
    }
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
