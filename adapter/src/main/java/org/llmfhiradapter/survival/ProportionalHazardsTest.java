package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * The proportional-hazards check of a fitted Cox model, as R's {@code cox.zph(fit, transform =
 * "km")} in survival 3.x: for each term, the score test of letting its coefficient drift with time,
 * β(t) = β + θ g(t), at (β̂, θ = 0); and the global test of all terms at once. A small p says the
 * hazard ratio changes over follow-up, so the model's one number for it misleads.
 *
 * <p><b>Variant:</b> g is the Kaplan-Meier transform, 1 − S(t−) of all rows pooled (strata
 * ignored), centred on its mean over the events; risk sets, as in the fit, within strata, with the
 * fit's ties (Efron or Breslow). The score of θ is Σ g(t)·(x − x̄(t)) over the events (the scaled
 * Schoenfeld residuals' numerator); the information is that of the model with both x and x·g(t). A
 * term of several columns (a factor) is tested together, with as many degrees of freedom.
 * <b>Errors:</b> {@link SurvivalDataException} when the model has an aliased coefficient or the
 * information cannot be inverted.
 */
public final class ProportionalHazardsTest {

  /** Where a test is flagged as failed (the level R's documentation and survminer use). */
  public static final double ALPHA = 0.05;

  /** One row of R's {@code z$table}. */
  public record Row(String term, double chisq, int df, double p) {

    /** Whether the hazard ratio is seen to change over time (p below {@link #ALPHA}). */
    public boolean fails() {
      return p < ALPHA;
    }
  }

  /**
   * @param terms per term, in the model's order
   * @param global all terms at once (R's GLOBAL row)
   */
  public record Result(List<Row> terms, Row global) {

    /** R's table: the terms, then GLOBAL. */
    public List<Row> rows() {
      List<Row> rows = new ArrayList<>(terms);
      rows.add(global);
      return rows;
    }
  }

  private ProportionalHazardsTest() {}

  /** Each covariate column a term of its own. */
  public static Result test(SurvivalData data, CoxFit fit) {
    Map<String, int[]> terms = new LinkedHashMap<>();
    for (int j = 0; j < data.covariateNames().size(); j++) {
      terms.put(data.covariateNames().get(j), new int[] {j});
    }
    return test(data, fit, terms);
  }

  /**
   * @param terms term name → its covariate columns (indexes into {@link
   *     SurvivalData#covariateNames()}), in the order to report; a factor's columns form one term
   */
  public static Result test(SurvivalData data, CoxFit fit, Map<String, int[]> terms) {
    for (CoxTerm term : fit.terms()) {
      if (term.aliased()) {
        throw new SurvivalDataException(
            "the proportional-hazards check needs every coefficient; '"
                + term.name()
                + "' is aliased");
      }
    }
    double[][] x = centred(data.covariates());
    int p = x.length;
    double[] beta = fit.coefficients();
    boolean efron = fit.ties() == Ties.EFRON;
    int[] stratum = data.stratum();
    int strata = data.hasStrata() ? data.strataLevels().size() : 1;
    SortedRows rows = SortedRows.of(data.time(), data.event(), stratum, strata);
    double[] g = kmTransform(data);
    int n = rows.size();

    double[] u = new double[p];
    double[][] i11 = new double[p][p];
    double[][] i12 = new double[p][p];
    double[][] i22 = new double[p][p];
    double s0 = 0;
    double[] s1 = new double[p];
    double[][] s2 = new double[p][p];
    int k = n - 1;
    while (k >= 0) {
      int code = rows.code()[k];
      if (k == n - 1 || rows.code()[k + 1] != code) {
        // A new stratum (from its end): an empty risk set.
        s0 = 0;
        java.util.Arrays.fill(s1, 0);
        for (double[] row : s2) {
          java.util.Arrays.fill(row, 0);
        }
      }
      double now = rows.time()[k];
      int first = k;
      while (first > 0 && rows.code()[first - 1] == code && rows.time()[first - 1] == now) {
        first--;
      }
      int deaths = 0;
      double d0 = 0;
      double[] d1 = new double[p];
      double[][] d2 = new double[p][p];
      double[] xDeaths = new double[p];
      double gNow = 0;
      for (int at = first; at <= k; at++) {
        int row = rows.order()[at];
        double w = Math.exp(eta(x, beta, row));
        s0 += w;
        for (int a = 0; a < p; a++) {
          s1[a] += w * x[a][row];
          for (int b = 0; b <= a; b++) {
            s2[a][b] += w * x[a][row] * x[b][row];
          }
        }
        if (rows.event()[at]) {
          deaths++;
          gNow = g[row];
          d0 += w;
          for (int a = 0; a < p; a++) {
            xDeaths[a] += x[a][row];
            d1[a] += w * x[a][row];
            for (int b = 0; b <= a; b++) {
              d2[a][b] += w * x[a][row] * x[b][row];
            }
          }
        }
      }
      for (int e = 0; e < deaths; e++) {
        // Efron: the e-th of the tied deaths sees the risk set less e/d of the dying; Breslow: all
        // of it.
        double f = efron ? (double) e / deaths : 0;
        double r0 = s0 - f * d0;
        double[] mean = new double[p];
        for (int a = 0; a < p; a++) {
          mean[a] = (s1[a] - f * d1[a]) / r0;
          u[a] -= gNow * mean[a];
        }
        for (int a = 0; a < p; a++) {
          for (int b = 0; b <= a; b++) {
            double v = (s2[a][b] - f * d2[a][b]) / r0 - mean[a] * mean[b];
            i11[a][b] += v;
            i12[a][b] += gNow * v;
            i22[a][b] += gNow * gNow * v;
          }
        }
      }
      for (int a = 0; a < p; a++) {
        u[a] += gNow * xDeaths[a];
      }
      k = first - 1;
    }
    double[][] information = new double[2 * p][2 * p];
    for (int a = 0; a < p; a++) {
      for (int b = 0; b <= a; b++) {
        set(information, a, b, i11[a][b]);
        set(information, p + a, p + b, i22[a][b]);
        information[a][p + b] = i12[a][b];
        information[p + b][a] = i12[a][b];
        information[b][p + a] = i12[a][b];
        information[p + a][b] = i12[a][b];
      }
    }
    List<Row> results = new ArrayList<>();
    for (Map.Entry<String, int[]> term : terms.entrySet()) {
      results.add(row(term.getKey(), information, u, p, term.getValue()));
    }
    int[] all = new int[p];
    for (int a = 0; a < p; a++) {
      all[a] = a;
    }
    return new Result(results, row("GLOBAL", information, u, p, all));
  }

  /** The score test of θ for these columns, β's block included in the information (as R's kk). */
  private static Row row(String name, double[][] information, double[] u, int p, int[] columns) {
    int size = p + columns.length;
    int[] kk = new int[size];
    for (int a = 0; a < p; a++) {
      kk[a] = a;
    }
    for (int c = 0; c < columns.length; c++) {
      kk[p + c] = p + columns[c];
    }
    RealMatrix m = new Array2DRowRealMatrix(size, size);
    RealVector score = new ArrayRealVector(size);
    for (int a = 0; a < size; a++) {
      for (int b = 0; b < size; b++) {
        m.setEntry(a, b, information[kk[a]][kk[b]]);
      }
      score.setEntry(a, a < p ? 0 : u[columns[a - p]]);
    }
    LUDecomposition lu = new LUDecomposition(m, 1e-14);
    if (!lu.getSolver().isNonSingular()) {
      throw new SurvivalDataException(
          "the proportional-hazards check of '" + name + "': the information is singular");
    }
    double chisq = lu.getSolver().solve(score).dotProduct(score);
    ChiSquareTest test = ChiSquareTest.of(chisq, columns.length);
    return new Row(name, test.chisq(), test.df(), test.p());
  }

  private static void set(double[][] m, int a, int b, double value) {
    m[a][b] = value;
    m[b][a] = value;
  }

  private static double eta(double[][] x, double[] beta, int row) {
    double sum = 0;
    for (int a = 0; a < beta.length; a++) {
      sum += beta[a] * x[a][row];
    }
    return sum;
  }

  /**
   * Columns less their means: the same test, summed with less cancellation (R's fit centres too).
   */
  private static double[][] centred(double[][] columns) {
    double[][] out = new double[columns.length][];
    for (int a = 0; a < columns.length; a++) {
      double mean = 0;
      for (double v : columns[a]) {
        mean += v;
      }
      mean /= columns[a].length;
      out[a] = new double[columns[a].length];
      for (int i = 0; i < out[a].length; i++) {
        out[a][i] = columns[a][i] - mean;
      }
    }
    return out;
  }

  /** g per row: 1 − S(t−) of the pooled Kaplan-Meier curve, less its mean over the events. */
  private static double[] kmTransform(SurvivalData data) {
    SortedRows rows = SortedRows.of(data.time(), data.event());
    int n = rows.size();
    double[] g = new double[n];
    double km = 1;
    int atRisk = n;
    int k = 0;
    while (k < n) {
      double now = rows.time()[k];
      int deaths = 0;
      int start = k;
      while (k < n && rows.time()[k] == now) {
        g[rows.order()[k]] = 1 - km;
        deaths += rows.event()[k] ? 1 : 0;
        k++;
      }
      km *= (atRisk - (double) deaths) / atRisk;
      atRisk -= k - start;
    }
    double sum = 0;
    int events = 0;
    for (int row = 0; row < n; row++) {
      if (data.event()[row]) {
        sum += g[row];
        events++;
      }
    }
    double mean = sum / events;
    for (int row = 0; row < n; row++) {
      g[row] -= mean;
    }
    return g;
  }
}
