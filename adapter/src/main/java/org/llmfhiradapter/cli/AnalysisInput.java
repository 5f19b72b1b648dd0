package org.llmfhiradapter.cli;

import java.util.List;
import java.util.regex.Pattern;
import org.llmfhiradapter.survival.SurvivalData;
import org.llmfhiradapter.table.CsvTable;
import org.llmfhiradapter.table.TableException;

/**
 * Reads the columns of an analysis out of a CSV table. Time, event and covariates are numbers; group and
 * strata are labels (numbers or text). An empty cell is missing: the row is dropped and counted. Anything
 * else that is not usable stops the analysis with a message naming file, line and column.
 */
final class AnalysisInput {

  /** Plain decimal numbers: what a spreadsheet writes (no NaN, Infinity, hex or type suffixes). */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private AnalysisInput() {}

  static SurvivalData read(CsvTable table, AnalysisSpec spec) {
    int timeCol = table.column(spec.time());
    int eventCol = table.column(spec.event());
    int groupCol = spec.group() == null ? -1 : table.column(spec.group());
    int strataCol = spec.strata() == null ? -1 : table.column(spec.strata());
    int[] covCols = spec.covariates().stream().mapToInt(table::column).toArray();

    int n = table.rows().size();
    if (n == 0) {
      throw new TableException(table.source() + " has a header but no data rows");
    }
    double[] time = new double[n];
    double[] status = new double[n];
    String[] group = groupCol < 0 ? null : new String[n];
    String[] strata = strataCol < 0 ? null : new String[n];
    double[][] covariates = new double[covCols.length][n];
    for (int r = 0; r < n; r++) {
      List<String> row = table.rows().get(r);
      time[r] = number(table, r, spec.time(), row.get(timeCol));
      if (time[r] < 0) {
        throw cell(table, r, spec.time(), "time " + row.get(timeCol) + " is negative");
      }
      status[r] = status(table, r, spec, row.get(eventCol));
      if (group != null) {
        group[r] = row.get(groupCol).isEmpty() ? null : row.get(groupCol);
      }
      if (strata != null) {
        strata[r] = row.get(strataCol).isEmpty() ? null : row.get(strataCol);
      }
      for (int j = 0; j < covCols.length; j++) {
        covariates[j][r] = number(table, r, spec.covariates().get(j), row.get(covCols[j]));
      }
    }
    SurvivalData.Builder builder = SurvivalData.builder().time(time).status(status);
    if (group != null) {
      builder.group(group);
    }
    if (strata != null) {
      builder.strata(strata);
    }
    for (int j = 0; j < covCols.length; j++) {
      builder.covariate(spec.covariates().get(j), covariates[j]);
    }
    return builder.build();
  }

  private static double status(CsvTable table, int r, AnalysisSpec spec, String text) {
    double value = number(table, r, spec.event(), text);
    if (Double.isNaN(value)) {
      return value;
    }
    if (spec.eventValue() != null) {
      return value == spec.eventValue() ? 1 : 0;
    }
    if (value != 0 && value != 1) {
      throw cell(table, r, spec.event(), text + " is neither 1 (event) nor 0 (censored); --event-value names the event value");
    }
    return value;
  }

  /** The cell as a number; NaN for an empty cell. */
  private static double number(CsvTable table, int r, String column, String text) {
    if (text.isEmpty()) {
      return Double.NaN;
    }
    if (!NUMBER.matcher(text).matches()) {
      String hint = text.equalsIgnoreCase("NA") ? " (leave the cell empty for a missing value)" : "";
      throw cell(table, r, column, "'" + text + "' is not a number" + hint);
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw cell(table, r, column, text + " is out of range");
    }
    return value;
  }

  private static TableException cell(CsvTable table, int r, String column, String problem) {
    return new TableException(table.source() + " line " + table.lineOf(r) + ", column '" + column + "': " + problem);
  }
}
