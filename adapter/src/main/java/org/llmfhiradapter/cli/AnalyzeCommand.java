package org.llmfhiradapter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.llmfhiradapter.analysis.csv.AnalysisInput;
import org.llmfhiradapter.analysis.csv.AnalysisJson;
import org.llmfhiradapter.analysis.csv.AnalysisSpec;
import org.llmfhiradapter.analysis.csv.AnalysisText;
import org.llmfhiradapter.analysis.csv.SurvivalAnalysis;
import org.llmfhiradapter.bench.AnalysisBench;
import org.llmfhiradapter.plot.PlotCurve;
import org.llmfhiradapter.plot.PlotFile;
import org.llmfhiradapter.plot.SurvivalPlot;
import org.llmfhiradapter.survival.ConfType;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.SurvivalData;
import org.llmfhiradapter.survival.Ties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code analyze}: Kaplan-Meier, log-rank and Cox on a CSV file, with R's numbers. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Survival analysis of a CSV file, matching R's survival package: Kaplan-Meier curves (per --group) with"
          + " Greenwood CIs, quantiles, restricted mean and landmarks; the log-rank (G-rho) test between groups;"
          + " a Cox proportional hazards model of --covariates.",
      "The CSV has a header row; time, event and covariates are numbers, group and strata numbers or labels;"
          + " an empty cell is missing and its row is dropped (from every analysis, and counted). Times are in"
          + " whatever unit the file uses; times equal up to rounding (R's timefix) are one time.",
      "Exit codes: 0 done; 2 unusable input (missing file, unknown column, non-numeric cell, no events for a Cox"
          + " model), with"
          + " one line on stderr naming the problem."
    })
final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--csv",
      required = true,
      paramLabel = "FILE",
      description = "The data: CSV with a header row.")
  Path csv;

  @Option(
      names = "--time",
      required = true,
      paramLabel = "COL",
      description = "Follow-up time column (>= 0).")
  String time;

  @Option(
      names = "--event",
      required = true,
      paramLabel = "COL",
      description = "Event column: 1 event, 0 censored.")
  String event;

  @Option(
      names = "--event-value",
      paramLabel = "V",
      description =
          "The event column's value that means event; every other value is censored (e.g. 2 for R's lung).")
  Double eventValue;

  @Option(
      names = "--group",
      paramLabel = "COL",
      description = "Groups: a curve each and the log-rank test.")
  String group;

  @Option(
      names = "--strata",
      paramLabel = "COL",
      description = "Strata of the log-rank test and the Cox model.")
  String strata;

  @Option(
      names = "--covariates",
      paramLabel = "COL",
      split = ",",
      splitSynopsisLabel = ",",
      description =
          "Cox covariates, e.g. age,sex,ecog: numbers, or labels coded as R's factor() codes them"
              + " (levels sorted, the first the reference, a term per other level named column+level).")
  List<String> covariates = new ArrayList<>();

  @Option(
      names = "--reference",
      paramLabel = "COL=LEVEL",
      description =
          "The reference level of a covariate of labels (R's relevel), e.g. celltype=squamous.")
  java.util.Map<String, String> references = new java.util.LinkedHashMap<>();

  @Option(
      names = "--ties",
      paramLabel = "efron|breslow",
      description = "Cox ties (default: ${DEFAULT-VALUE}).")
  String ties = "efron";

  @Option(
      names = "--conf-type",
      paramLabel = "log|log-log|plain",
      description = "Kaplan-Meier CI transformation (default: ${DEFAULT-VALUE}).")
  String confType = "log";

  @Option(
      names = "--rho",
      paramLabel = "0|1",
      description =
          "Log-rank weight S(t-)^rho: 0 log-rank, 1 Peto-Peto" + " (default: ${DEFAULT-VALUE}).")
  double rho = 0;

  @Option(
      names = "--landmarks",
      paramLabel = "T",
      split = ",",
      splitSynopsisLabel = ",",
      description =
          "Also report survival at these times, in the file's unit (e.g. 12,36,60 for months).")
  List<String> landmarks = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "text|json",
      description = "Output (default: ${DEFAULT-VALUE}).")
  String format = "text";

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description =
          "Also draw the Kaplan-Meier curves (one per group, with the log-rank p) into this file: .svg,"
              + " .png (300 dpi) or .pdf (vector), by its name.")
  Path plot;

  @Option(
      names = "--plot-ci",
      description = "A 95%% confidence band on every curve (one curve always has it).")
  boolean plotCi;

  @Option(
      names = "--plot-title",
      paramLabel = "TEXT",
      description = "The plot's title (default: file and group).")
  String plotTitle;

  @Option(
      names = "--plot-xlab",
      paramLabel = "TEXT",
      description = "The time axis label (default: Time (UNIT)).")
  String plotXlab;

  @Option(
      names = "--time-unit",
      paramLabel = "UNIT",
      description =
          "The unit of the time column, for the axis (default: the column's name); months puts ticks on"
              + " years.")
  String timeUnit;

  @Option(
      names = "--plot-break",
      paramLabel = "T",
      description =
          "A tick and an at-risk count every T time units (default: chosen from the follow-up).")
  Double plotBreak;

  @Option(
      names = "--bench",
      description =
          "Time the fits alone (first run, then --bench-runs more) instead of printing results.")
  boolean bench;

  @Option(
      names = "--bench-runs",
      paramLabel = "N",
      description = "Timed runs after the first (default: ${DEFAULT-VALUE}).")
  int benchRuns = 5;

  @Override
  public Integer call() {
    AnalysisSpec analysisSpec = analysisSpec();
    if (plot != null) {
      checkPlotOptions(); // before the file is read: a wrong name should not wait for a million
      // rows
    }
    String output = format.toLowerCase(Locale.ROOT);
    if (!output.equals("text") && !output.equals("json")) {
      throw new BadInputException("--format must be text or json, not '" + format + "'");
    }
    AnalysisInput.Read read = AnalysisInput.read(csv, analysisSpec);
    SurvivalData data = read.data();
    String source = csv.toString();
    if (bench) {
      if (benchRuns < 0) {
        throw new BadInputException("--bench-runs must be >= 0");
      }
      List<AnalysisBench.Timing> timings = AnalysisBench.run(data, analysisSpec, benchRuns);
      spec.commandLine()
          .getOut()
          .print(
              output.equals("json")
                  ? json(AnalysisBench.json(source, data, analysisSpec, benchRuns, timings)) + "\n"
                  : AnalysisBench.text(source, data, analysisSpec, benchRuns, timings));
      spec.commandLine().getOut().flush();
      return 0;
    }
    SurvivalAnalysis analysis = SurvivalAnalysis.run(source, analysisSpec, data, read.factors());
    if (plot != null) {
      writePlot(analysis);
    }
    spec.commandLine()
        .getOut()
        .print(
            output.equals("json")
                ? AnalysisJson.render(analysis) + "\n"
                : AnalysisText.render(analysis));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private void writePlot(SurvivalAnalysis analysis) {
    List<PlotCurve> curves = new ArrayList<>();
    analysis
        .km()
        .forEach(
            (level, fit) -> {
              Quantile median = fit.median();
              String note =
                  median.reached()
                      ? "median "
                          + new java.math.BigDecimal(median.estimate())
                              .round(new java.math.MathContext(4))
                              .stripTrailingZeros()
                              .toPlainString()
                      : "median not reached";
              curves.add(
                  new PlotCurve(
                      level,
                      note,
                      fit.n(),
                      fit.steps(),
                      median.reached() ? median.estimate() : Double.NaN));
            });
    String caption =
        analysis.logRank() == null
            ? ""
            : String.format(
                Locale.ROOT,
                "%s p = %.4g (chisq %.2f on %d df)",
                rho == 0 ? "Log-rank" : "G-rho (rho = " + AnalysisText.number(rho) + ")",
                analysis.logRank().p(),
                analysis.logRank().chisq(),
                analysis.logRank().df());
    String title =
        plotTitle != null
            ? plotTitle
            : "Kaplan-Meier: " + csv.getFileName() + (group == null ? "" : " by " + group);
    String xlab =
        plotXlab != null ? plotXlab : "Time (" + (timeUnit != null ? timeUnit : time) + ")";
    boolean months = timeUnit != null && timeUnit.toLowerCase(Locale.ROOT).startsWith("month");
    String svg =
        new SurvivalPlot(title, xlab, 1, months, caption, curves)
            .withBreaks(plotBreak == null ? 0 : plotBreak)
            .withBands(plotCi)
            .toSvg();
    try {
      PlotFile.write(svg, plot);
    } catch (IOException e) {
      throw new BadInputException("Cannot write the plot to " + plot + ": " + e.getMessage());
    }
    spec.commandLine().getErr().println("Wrote " + plot);
  }

  /** The plot's format comes from its file name: a name that asks for none of them is refused. */
  private void checkPlotOptions() {
    if (PlotFile.Format.of(plot).isEmpty()) {
      throw new BadInputException(
          "--plot writes .svg, .png or .pdf, chosen by the file name; '"
              + plot.getFileName()
              + "' ends in none of them");
    }
    if (plotBreak != null && !(plotBreak > 0 && Double.isFinite(plotBreak))) {
      throw new BadInputException("--plot-break must be a time > 0, not " + plotBreak);
    }
  }

  private AnalysisSpec analysisSpec() {
    Ties parsedTies;
    ConfType parsedConfType;
    try {
      parsedTies = Ties.parse(ties);
      parsedConfType = ConfType.parse(confType);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    if (!(rho >= 0) || Double.isInfinite(rho)) {
      throw new BadInputException(
          "--rho must be a number >= 0 (0 log-rank, 1 Peto-Peto), not " + rho);
    }
    List<Double> times = new ArrayList<>();
    for (String mark : landmarks) {
      try {
        double t = Double.parseDouble(mark.trim());
        if (!(t >= 0) || Double.isInfinite(t)) {
          throw new NumberFormatException();
        }
        times.add(t);
      } catch (NumberFormatException e) {
        throw new BadInputException(
            "--landmarks takes times >= 0 separated by commas; '" + mark + "' is not one");
      }
    }
    List<String> names = covariates.stream().map(String::trim).toList();
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new BadInputException("--covariates has an empty name");
    }
    return new AnalysisSpec(
        time,
        event,
        eventValue,
        group,
        strata,
        names,
        references,
        parsedTies,
        parsedConfType,
        0.95,
        rho,
        times);
  }

  private static String json(Object value) {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
