package org.llmfhiradapter.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits a label into a width counted in characters, so that it never runs into the next column or
 * off the page: SVG text does not wrap, and the plots are read where no font metrics are at hand
 * (the adapter draws them on headless servers).
 */
final class TextFit {

  private TextFit() {}

  /**
   * Lines of at most {@code maxChars}, broken at spaces; a word longer than a line is broken
   * inside.
   */
  static List<String> wrap(String text, int maxChars) {
    int width = Math.max(1, maxChars);
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ", -1)) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString().strip());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
      while (line.length() > width) {
        lines.add(line.substring(0, width));
        line.delete(0, width);
      }
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString().strip());
    }
    return lines;
  }

  /**
   * The text itself when it fits in {@code maxChars}, else its start and an ellipsis, {@code
   * maxChars} long.
   */
  static String shorten(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    return maxChars <= 1 ? "…" : text.substring(0, maxChars - 1).stripTrailing() + "…";
  }
}
