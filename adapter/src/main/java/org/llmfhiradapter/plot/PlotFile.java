package org.llmfhiradapter.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A plot written in the format its file name asks for: {@code .svg} as drawn, {@code .png} (300
 * dpi, for a document or a slide) and {@code .pdf} (vector, for a manuscript) rendered from that
 * same SVG by Apache Batik, so that every format shows the same picture.
 */
public final class PlotFile {

  /** The formats a plot can be written in, by file extension. */
  public enum Format {
    SVG,
    PNG,
    PDF;

    /** The extension, with its dot. */
    public String extension() {
      return "." + name().toLowerCase(Locale.ROOT);
    }

    /** The format a file name asks for, if it names one. */
    public static Optional<Format> of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      for (Format format : values()) {
        if (name.endsWith(format.extension())) {
          return Optional.of(format);
        }
      }
      return Optional.empty();
    }
  }

  private PlotFile() {}

  /**
   * Writes the plot to {@code file} in the format of its extension.
   *
   * @throws IllegalArgumentException when the name ends in none of .svg, .png and .pdf
   * @throws PlotRenderingException when this machine cannot render it (no fonts on a bare server)
   */
  public static void write(String svg, Path file) throws IOException {
    Format format =
        Format.of(file)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "A plot is written as .svg, .png or .pdf, by its file name; '"
                            + file.getFileName()
                            + "' ends in none"));
    byte[] bytes =
        switch (format) {
          case SVG -> svg.getBytes(StandardCharsets.UTF_8);
          case PNG -> SvgRenderer.png(svg);
          case PDF -> SvgRenderer.pdf(svg);
        };
    Files.write(file, bytes);
  }
}
