package org.llmfhiradapter.analysis.csv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.llmfhiradapter.survival.FactorCoding;
import org.llmfhiradapter.survival.SurvivalData;
import org.llmfhiradapter.table.CsvTable;
import org.llmfhiradapter.table.TableException;

/**
 * Reads the columns of an analysis out of a CSV file, streaming: only the used columns are kept, as
 * numbers (a million-row file would otherwise sit in memory as a gigabyte of strings). Time and
 * event are numbers; group and strata are labels (numbers or text); a covariate is numbers, or
 * labels when none of its cells is a number (it is then coded as R's {@code factor()}, {@link
 * FactorCoding}; the file is read a second time to keep those labels). An empty cell is missing:
 * the row is dropped and counted. Anything else that is not usable stops the analysis with a
 * message naming file, line and column.
 */
public final class AnalysisInput implements CsvTable.RowHandler {

  /** The data, and how each covariate of labels was coded (in the order of the covariates). */
  public record Read(SurvivalData data, List<FactorCoding> factors) {}

  private final String source;
  private final AnalysisSpec spec;
  private int timeCol;
  private int eventCol;
  private int groupCol = -1;
  private int strataCol = -1;
  private int[] covCols;

  private int n;
  private double[] time = new double[1024];
  private double[] status = new double[1024];
  private String[] group;
  private String[] strata;
  private double[][] covariates;
  private final Map<String, String> labels = new HashMap<>();
  // Covariates of labels: known on the second reading; on the first, where a number and a label
  // were seen.
  private final Set<String> labelled;
  private String[][] covLabels;
  private int[] firstNumberLine;
  private int[] firstLabelLine;
  private String[] firstLabel;

  private AnalysisInput(String source, AnalysisSpec spec, Set<String> labelled) {
    this.source = source;
    this.spec = spec;
    this.labelled = labelled;
  }

  public static Read read(Path csv, AnalysisSpec spec) {
    AnalysisInput input = new AnalysisInput(csv.toString(), spec, Set.of());
    CsvTable.read(csv, input);
    Set<String> labelled = input.labelledCovariates();
    if (!labelled.isEmpty()) {
      input = new AnalysisInput(csv.toString(), spec, labelled);
      CsvTable.read(csv, input);
    }
    for (String column : spec.references().keySet()) {
      if (!labelled.contains(column)) {
        throw new AnalysisInputException(
            "--reference "
                + column
                + "=...: column '"
                + column
                + "' holds numbers, not"
                + " labels; a reference level applies to a covariate of labels");
      }
    }
    return input.build();
  }

  /** The covariates whose cells are all labels; one that mixes numbers and labels is refused. */
  private Set<String> labelledCovariates() {
    Set<String> found = new LinkedHashSet<>();
    for (int j = 0; j < covCols.length; j++) {
      String column = spec.covariates().get(j);
      if (firstLabelLine[j] > 0 && firstNumberLine[j] > 0) {
        throw new TableException(
            source
                + ", column '"
                + column
                + "': a covariate is numbers or labels, but it has"
                + " the number on line "
                + firstNumberLine[j]
                + " and the label '"
                + firstLabel[j]
                + "' on line "
                + firstLabelLine[j]
                + (firstLabel[j].equalsIgnoreCase("NA")
                    ? " (leave the cell empty for a missing value)"
                    : ""));
      }
      if (firstLabelLine[j] > 0) {
        found.add(column);
      }
    }
    return found;
  }

  @Override
  public void header(List<String> names) {
    timeCol = CsvTable.column(source, names, spec.time());
    eventCol = CsvTable.column(source, names, spec.event());
    if (spec.group() != null) {
      groupCol = CsvTable.column(source, names, spec.group());
      group = new String[time.length];
    }
    if (spec.strata() != null) {
      strataCol = CsvTable.column(source, names, spec.strata());
      strata = new String[time.length];
    }
    covCols = spec.covariates().stream().mapToInt(c -> CsvTable.column(source, names, c)).toArray();
    covariates = new double[covCols.length][];
    covLabels = new String[covCols.length][];
    for (int j = 0; j < covCols.length; j++) {
      if (labelled.contains(spec.covariates().get(j))) {
        covLabels[j] = new String[time.length];
      } else {
        covariates[j] = new double[time.length];
      }
    }
    firstNumberLine = new int[covCols.length];
    firstLabelLine = new int[covCols.length];
    firstLabel = new String[covCols.length];
  }

  @Override
  public void row(List<String> cells, int line) {
    if (n == time.length) {
      grow();
    }
    double t = number(line, spec.time(), cells.get(timeCol));
    if (t < 0) {
      throw cell(line, spec.time(), "time " + cells.get(timeCol) + " is negative");
    }
    time[n] = t;
    status[n] = status(line, cells.get(eventCol));
    if (group != null) {
      group[n] = label(cells.get(groupCol));
    }
    if (strata != null) {
      strata[n] = label(cells.get(strataCol));
    }
    for (int j = 0; j < covCols.length; j++) {
      String text = cells.get(covCols[j]);
      if (covLabels[j] != null) {
        covLabels[j][n] = label(text);
      } else if (text.isEmpty() || isPlainNumber(text)) {
        covariates[j][n] = number(line, spec.covariates().get(j), text);
        if (!text.isEmpty() && firstNumberLine[j] == 0) {
          firstNumberLine[j] = line;
        }
      } else {
        // A label: the column is coded as a factor if it holds labels only (decided after the whole
        // file).
        covariates[j][n] = Double.NaN;
        if (firstLabelLine[j] == 0) {
          firstLabelLine[j] = line;
          firstLabel[j] = text;
        }
      }
    }
    n++;
  }

  private Read build() {
    if (n == 0) {
      throw new TableException(source + " has a header but no data rows");
    }
    SurvivalData.Builder builder =
        SurvivalData.builder().time(Arrays.copyOf(time, n)).status(Arrays.copyOf(status, n));
    if (group != null) {
      builder.group(Arrays.copyOf(group, n));
    }
    if (strata != null) {
      builder.strata(Arrays.copyOf(strata, n));
    }
    List<FactorCoding> factors = new ArrayList<>();
    for (int j = 0; j < covCols.length; j++) {
      String column = spec.covariates().get(j);
      if (covLabels[j] == null) {
        builder.covariate(column, Arrays.copyOf(covariates[j], n));
        continue;
      }
      String[] cells = Arrays.copyOf(covLabels[j], n);
      FactorCoding factor = FactorCoding.of(column, cells, spec.references().get(column));
      for (String level : factor.contrasts()) {
        builder.covariate(factor.termName(level), factor.indicator(cells, level));
      }
      factors.add(factor);
    }
    return new Read(builder.build(), factors);
  }

  private void grow() {
    int size = time.length * 2;
    time = Arrays.copyOf(time, size);
    status = Arrays.copyOf(status, size);
    group = group == null ? null : Arrays.copyOf(group, size);
    strata = strata == null ? null : Arrays.copyOf(strata, size);
    for (int j = 0; j < covariates.length; j++) {
      covariates[j] = covariates[j] == null ? null : Arrays.copyOf(covariates[j], size);
      covLabels[j] = covLabels[j] == null ? null : Arrays.copyOf(covLabels[j], size);
    }
  }

  /**
   * One shared instance per distinct label (a million rows have a handful of groups); null if
   * empty.
   */
  private String label(String text) {
    return text.isEmpty() ? null : labels.computeIfAbsent(text, k -> k);
  }

  private double status(int line, String text) {
    double value = number(line, spec.event(), text);
    if (Double.isNaN(value)) {
      return value;
    }
    if (spec.eventValue() != null) {
      return value == spec.eventValue() ? 1 : 0;
    }
    if (value != 0 && value != 1) {
      throw cell(
          line,
          spec.event(),
          text + " is neither 1 (event) nor 0 (censored); --event-value names the event value");
    }
    return value;
  }

  /** The cell as a number; NaN for an empty cell. */
  private double number(int line, String column, String text) {
    if (text.isEmpty()) {
      return Double.NaN;
    }
    if (!isPlainNumber(text)) {
      String hint =
          text.equalsIgnoreCase("NA") ? " (leave the cell empty for a missing value)" : "";
      throw cell(line, column, "'" + text + "' is not a number" + hint);
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw cell(line, column, text + " is out of range");
    }
    return value;
  }

  /**
   * Plain decimal numbers, what a spreadsheet writes: [+-]digits[.digits][e[+-]digits] (no NaN,
   * Infinity, hex or type suffixes, which Double.parseDouble would take). A scan, not a regex: it
   * runs per cell.
   */
  static boolean isPlainNumber(String text) {
    int i = 0;
    int n = text.length();
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < n && text.charAt(i) == '.') {
      i++;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  private TableException cell(int line, String column, String problem) {
    return new TableException(source + " line " + line + ", column '" + column + "': " + problem);
  }
}
