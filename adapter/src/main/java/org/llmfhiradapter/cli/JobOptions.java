package org.llmfhiradapter.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.llmfhiradapter.config.Settings;
import org.llmfhiradapter.plot.PlotFile;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Options of the commands that run the cohort job: where its files go, and whether a patient may be
 * missing.
 */
final class JobOptions {

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Also write the results into DIR: results.json, cohort.csv, exclusions.csv,"
              + " measurereport.json, report.html, summary.txt and Kaplan-Meier plots (km-*.svg).")
  Path outDir;

  @Option(
      names = "--plot-format",
      paramLabel = "svg|png|pdf",
      split = ",",
      converter = FormatName.class,
      description =
          "The formats of the Kaplan-Meier plots written with --out, e.g. svg,png,pdf: PNG at 300 dpi for"
              + " a document or slide, PDF as vectors for a manuscript (default: svg).")
  List<PlotFile.Format> plotFormats = new ArrayList<>(List.of(PlotFile.Format.SVG));

  @Option(
      names = "--allow-partial",
      description =
          "Go on without patients that cannot be fetched after the retries; list them in results.json"
              + " (a sync keeps their stored outcome and fetches them again next time).")
  boolean allowPartial;

  /** A format by its extension, in any case; refused on the command line, before the job starts. */
  static final class FormatName implements ITypeConverter<PlotFile.Format> {
    @Override
    public PlotFile.Format convert(String value) {
      for (PlotFile.Format format : PlotFile.Format.values()) {
        if (format.extension().equals("." + value.strip().toLowerCase(Locale.ROOT))) {
          return format;
        }
      }
      throw new TypeConversionException("'" + value + "' is none of svg, png and pdf");
    }
  }

  /** The settings with the options given on the command line winning. */
  Settings applyTo(Settings settings) {
    return allowPartial ? settings.with("llm.pipeline.allow-partial", "true") : settings;
  }
}
