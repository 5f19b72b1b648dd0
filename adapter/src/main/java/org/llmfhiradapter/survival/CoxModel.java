package org.llmfhiradapter.survival;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Cox proportional hazards regression, as R's {@code coxph(Surv(time, status) ~ x1 + ... +
 * strata(s))}.
 *
 * <p><b>Input:</b> {@link SurvivalData} with p ≥ 0 numeric covariates and optional strata (separate
 * baseline hazards and risk sets). Times equal within {@link TimeTies} are one time.
 * <b>Variant:</b> partial likelihood with Efron (default) or Breslow ties; covariates centred and
 * scaled internally as R does (Newton-Raphson is invariant to it; it keeps exp(η) in range);
 * Newton-Raphson from β = 0 with R's rules: converged when the log-likelihood is finite and |1 −
 * L_best/L_new| ≤ eps, the evaluated β being the answer; a step that lowers L is pulled back, β_new
 * = (β_new + h·β)/(h + 1) with h the consecutive failures; running out reports iterMax + 1
 * iterations and the last accepted β. Score test at β = 0, Wald test βᵀV⁻¹β, likelihood ratio, Wald
 * z and CIs, concordance ({@link Concordance}). <b>Degenerate input:</b> monotone likelihood
 * (separation) does not fail: the fit converges in L while β runs off; each such coefficient is
 * flagged {@code possiblyInfinite} with R's warning, its se/Wald are meaningless, the LR and score
 * tests stand. Collinear covariates are aliased (coef NaN, left out of the tests' df) with a
 * warning. Not converging is data ({@code converged = false} and R's warning), never an exception.
 * <b>Errors:</b> {@link SurvivalDataException} when there is no event.
 */
public final class CoxModel {

  private CoxModel() {}

  public static CoxFit fit(SurvivalData data, CoxOptions options) {
    if (data.events() == 0) {
      throw new SurvivalDataException("no events: a Cox model needs at least one event");
    }
    Prepared prep = Prepared.of(data, options.ties());
    int p = prep.p;
    PartialLikelihood likelihood = prep.likelihood;

    double[] beta = new double[p];
    double loglikNull = likelihood.evaluate(beta);
    GeneralizedCholesky chol = GeneralizedCholesky.of(likelihood.imat, options.tolerChol());
    double[] step = chol.solve(likelihood.u);
    double score = dot(likelihood.u, step);

    int iterations = 0;
    boolean converged = true;
    double loglik = loglikNull;
    double[] u = likelihood.u.clone();
    if (options.iterMax() > 0 && Double.isFinite(loglikNull) && p > 0) {
      converged = false;
      double best = loglikNull;
      double[] next = add(beta, step);
      int halving = 0;
      for (iterations = 1; iterations <= options.iterMax(); iterations++) {
        double candidate = likelihood.evaluate(next);
        chol = GeneralizedCholesky.of(likelihood.imat, options.tolerChol());
        boolean finite =
            Double.isFinite(candidate) && allFinite(likelihood.u) && allFinite(likelihood.imat);
        if (finite && Math.abs(1 - best / candidate) <= options.eps()) {
          beta = next;
          loglik = candidate;
          u = likelihood.u.clone();
          converged = true;
          break;
        }
        if (!finite || candidate < best) {
          halving++; // pull further back each time it fails
          for (int j = 0; j < p; j++) {
            next[j] = (next[j] + halving * beta[j]) / (halving + 1.0);
          }
        } else {
          halving = 0;
          best = candidate;
          step = chol.solve(likelihood.u);
          beta = next.clone();
          next = add(next, step);
        }
      }
      if (!converged) {
        // R reports the last accepted β with L and I recomputed there (iterations = iterMax + 1).
        loglik = likelihood.evaluate(beta);
        chol = GeneralizedCholesky.of(likelihood.imat, options.tolerChol());
        u = likelihood.u.clone();
      }
    }
    return summarize(
        data, options, prep, beta, u, chol, loglikNull, loglik, score, iterations, converged);
  }

  private static CoxFit summarize(
      SurvivalData data,
      CoxOptions options,
      Prepared prep,
      double[] scaledBeta,
      double[] scaledU,
      GeneralizedCholesky chol,
      double loglikNull,
      double loglik,
      double score,
      int iterations,
      boolean converged) {
    int p = prep.p;
    double[][] var = chol.inverse();
    double[] coef = new double[p];
    double[] u = new double[p];
    for (int i = 0; i < p; i++) {
      coef[i] = scaledBeta[i] * prep.scale[i];
      u[i] = scaledU[i] / prep.scale[i];
      for (int j = 0; j < p; j++) {
        var[i][j] *= prep.scale[i] * prep.scale[j];
      }
    }
    boolean[] aliased = new boolean[p];
    if (chol.rank() < p && options.iterMax() > 0) {
      for (int j = 0; j < p; j++) {
        aliased[j] = var[j][j] == 0;
      }
    }
    List<String> warnings = new ArrayList<>();
    boolean[] infinite = new boolean[p];
    if (options.iterMax() > 1) {
      if (!converged) {
        warnings.add("Ran out of iterations and did not converge");
      } else {
        // The next Newton step |U·V|: still large where the likelihood flattened before β settled.
        List<Integer> flagged = new ArrayList<>();
        for (int j = 0; j < p; j++) {
          double next = 0;
          for (int i = 0; i < p; i++) {
            next += u[i] * var[i][j];
          }
          next = Math.abs(next);
          infinite[j] =
              !aliased[j]
                  && (!Double.isFinite(u[j])
                      || (next > options.eps() && next > options.tolerInf() * Math.abs(coef[j])));
          if (infinite[j]) {
            flagged.add(j + 1);
          }
        }
        if (!flagged.isEmpty()) {
          // R: paste("Loglik converged before variable ", indices, "; coefficient may be infinite.
          // ")
          warnings.add(
              "Loglik converged before variable  "
                  + flagged.stream().map(String::valueOf).collect(Collectors.joining(","))
                  + " ; coefficient may be infinite. ");
        }
      }
    }
    int[] kept = IntStream.range(0, p).filter(j -> !aliased[j]).toArray();
    if (kept.length < p) {
      warnings.add(
          "X matrix deemed to be singular; variable "
              + IntStream.range(0, p)
                  .filter(j -> aliased[j])
                  .mapToObj(j -> String.valueOf(j + 1))
                  .collect(Collectors.joining(" ")));
    }

    double zq = Probabilities.zForLevel(options.confLevel());
    List<CoxTerm> terms = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      String name = data.covariateNames().get(j);
      if (aliased[j]) {
        double nan = Double.NaN;
        terms.add(new CoxTerm(name, nan, nan, nan, nan, nan, nan, nan, false));
        continue;
      }
      double se = Math.sqrt(var[j][j]);
      double z = coef[j] / se;
      terms.add(
          new CoxTerm(
              name,
              coef[j],
              Math.exp(coef[j]),
              se,
              z,
              Probabilities.normalTwoSided(z),
              Math.exp(coef[j] - zq * se),
              Math.exp(coef[j] + zq * se),
              infinite[j]));
    }

    int df = kept.length;
    double[][] keptVar = new double[df][df];
    double[] keptCoef = new double[df];
    for (int a = 0; a < df; a++) {
      keptCoef[a] = coef[kept[a]];
      for (int b = 0; b < df; b++) {
        keptVar[a][b] = var[kept[a]][kept[b]];
      }
    }
    double wald =
        df == 0
            ? 0
            : dot(keptCoef, GeneralizedCholesky.of(keptVar, options.tolerChol()).solve(keptCoef));

    double[] lpCoef = coef.clone();
    for (int j = 0; j < p; j++) {
      if (aliased[j]) {
        lpCoef[j] = 0;
      }
    }
    double[] lp = linearPredictor(data, lpCoef, prep.means);
    double[] sortedLp = new double[lp.length];
    for (int k = 0; k < lp.length; k++) {
      sortedLp[k] = lp[prep.rows.order()[k]];
    }
    Concordance concordance =
        Concordance.ofSorted(prep.rows.time(), prep.rows.event(), prep.rows.code(), sortedLp);

    return new CoxFit(
        terms,
        loglikNull,
        loglik,
        ChiSquareTest.of(2 * (loglik - loglikNull), df),
        ChiSquareTest.of(wald, df),
        ChiSquareTest.of(score, df),
        iterations,
        converged,
        concordance,
        warnings,
        Arrays.stream(var).map(row -> Arrays.stream(row).boxed().toList()).toList(),
        Arrays.stream(prep.means).boxed().toList(),
        options.ties(),
        data.n(),
        data.events());
  }

  /**
   * The Kalbfleisch-Prentice baseline survival of a fitted model, at the covariate means, per
   * stratum (one curve keyed {@link KaplanMeier#ALL} without strata), at the event times. For a
   * model without covariates, or at β = 0, it is the Kaplan-Meier curve.
   */
  public static Map<String, StepCurve> baselineSurvival(SurvivalData data, CoxFit fit) {
    Prepared prep = Prepared.of(data, fit.ties());
    double[] scaledBeta = fit.coefficients();
    for (int j = 0; j < prep.p; j++) {
      scaledBeta[j] /= prep.scale[j];
    }
    double[] times = new double[data.n()];
    int[] strata = new int[data.n()];
    double[] surv = prep.likelihood.baselineSurvival(scaledBeta, times, strata);
    Map<String, StepCurve> curves = new LinkedHashMap<>();
    int start = 0;
    while (start < surv.length) {
      int end = start;
      while (end < surv.length && strata[end] == strata[start]) {
        end++;
      }
      String key = data.hasStrata() ? data.strataLevels().get(strata[start]) : KaplanMeier.ALL;
      curves.put(
          key,
          new StepCurve(
              Arrays.copyOfRange(times, start, end), Arrays.copyOfRange(surv, start, end)));
      start = end;
    }
    return curves;
  }

  /** η = X·β − Σ β·means, as R's {@code linear.predictors}. */
  private static double[] linearPredictor(SurvivalData data, double[] coef, double[] means) {
    double[][] x = data.covariates();
    double centre = 0;
    for (int j = 0; j < coef.length; j++) {
      centre += coef[j] * means[j];
    }
    double[] lp = new double[data.n()];
    for (int r = 0; r < lp.length; r++) {
      double sum = 0;
      for (int j = 0; j < coef.length; j++) {
        sum += x[j][r] * coef[j];
      }
      lp[r] = sum - centre;
    }
    return lp;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] add(double[] a, double[] b) {
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  private static boolean allFinite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allFinite(double[][] m) {
    for (double[] row : m) {
      if (!allFinite(row)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The data sorted by (stratum, time), times merged, covariates centred and scaled as R's coxfit6.
   */
  private record Prepared(
      int p, double[] means, double[] scale, SortedRows rows, PartialLikelihood likelihood) {

    static Prepared of(SurvivalData data, Ties ties) {
      int n = data.n();
      double[][] x = data.covariates();
      int p = x.length;
      int strata = data.hasStrata() ? data.strataLevels().size() : 1;
      SortedRows rows = SortedRows.of(data.time(), data.event(), data.stratum(), strata);
      double[] means = new double[p];
      double[] scale = new double[p];
      for (int j = 0; j < p; j++) {
        double sum = 0;
        for (double v : x[j]) {
          sum += v;
        }
        means[j] = sum / n;
        double absDev = 0;
        for (double v : x[j]) {
          absDev += Math.abs(v - means[j]);
        }
        scale[j] = absDev > 0 ? n / absDev : 1; // R: 1/mean |x - mean|, 1 for a constant covariate
      }
      double[] flat = new double[n * p];
      int[] order = rows.order();
      for (int j = 0; j < p; j++) {
        double[] column = x[j];
        for (int k = 0; k < n; k++) {
          flat[k * p + j] = (column[order[k]] - means[j]) * scale[j];
        }
      }
      return new Prepared(
          p,
          means,
          scale,
          rows,
          new PartialLikelihood(
              flat, p, rows.time(), rows.event(), rows.code(), ties == Ties.EFRON));
    }
  }
}
