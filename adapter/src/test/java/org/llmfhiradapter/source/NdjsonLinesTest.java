package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NDJSON as servers write it, split into lines without decoding the bytes in between. */
class NdjsonLinesTest {

  @Test
  void linesEndInLineFeedOrCarriageReturnLineFeedAndBlankLinesAreSkipped() throws IOException {
    assertThat(lines("{\"a\":1}\r\n\r\n{\"b\":\"é\"}\n  \n{\"c\":3}", 1 << 16))
        .containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "{\"c\":3}");
  }

  @Test
  void aLineLongerThanTheBufferArrivesWhole() throws IOException {
    String longLine = "{\"text\":\"" + "x".repeat(200_000) + "\"}";
    assertThat(lines("{\"a\":1}\n" + longLine + "\n{\"b\":2}\n", 7))
        .containsExactly("{\"a\":1}", longLine, "{\"b\":2}");
  }

  @Test
  void aStreamThatEndsWithoutALineEndStillGivesItsLastLine() throws IOException {
    assertThat(lines("{\"a\":1}\n{\"b\":2}", 3)).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(lines("", 3)).isEmpty();
  }

  /**
   * The lines read from a stream that hands out at most {@code chunk} bytes a read, as a network
   * does.
   */
  private static List<String> lines(String text, int chunk) throws IOException {
    InputStream in =
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
          }
        };
    List<String> lines = new ArrayList<>();
    NdjsonLines.read(
        in,
        (bytes, offset, length) ->
            lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
    return lines;
  }
}
