package org.llmfhiradapter.survival;

import java.util.Arrays;

/**
 * The Cox partial log-likelihood with its score vector and information matrix at a given β, in one
 * pass over rows sorted by (stratum, time), from the latest time down so that every risk set is a
 * running sum (S0, S1, S2 of exp(η), x·exp(η), x xᵀ·exp(η)): O(n·p²) per evaluation, as R's {@code
 * coxfit6}.
 *
 * <p>Efron: the d tied deaths at a time enter the sums in d equal fractions; Breslow: all at once.
 * Covariates are the caller's (R centres and scales them first; so does {@link CoxModel}).
 */
final class PartialLikelihood {

  private final int n;
  private final int p;
  private final double[] x; // row-major n×p, rows in (stratum, time) order
  private final double[] time;
  private final boolean[] dead;
  private final int[] stratum;
  private final boolean efron;

  /** Score U(β) of the last evaluation. */
  final double[] u;

  /** Information I(β) of the last evaluation, lower triangle ({@code imat[i][j]}, j ≤ i). */
  final double[][] imat;

  private final double[] a;
  private final double[] a2;
  private final double[] cmat;
  private final double[] cmat2;

  PartialLikelihood(
      double[] x, int p, double[] time, boolean[] dead, int[] stratum, boolean efron) {
    this.n = time.length;
    this.p = p;
    this.x = x;
    this.time = time;
    this.dead = dead;
    this.stratum = stratum;
    this.efron = efron;
    this.u = new double[p];
    this.imat = new double[p][p];
    this.a = new double[p];
    this.a2 = new double[p];
    this.cmat = new double[p * p];
    this.cmat2 = new double[p * p];
  }

  /** log L(β); fills {@link #u} and {@link #imat}. */
  double evaluate(double[] beta) {
    Arrays.fill(u, 0);
    for (double[] row : imat) {
      Arrays.fill(row, 0);
    }
    Arrays.fill(a2, 0);
    Arrays.fill(cmat2, 0);
    double loglik = 0;
    double denom = 0;
    int person = n - 1;
    while (person >= 0) {
      if (person == n - 1 || stratum[person] != stratum[person + 1]) {
        denom = 0;
        Arrays.fill(a, 0);
        Arrays.fill(cmat, 0);
      }
      double now = time[person];
      int deaths = 0;
      double denom2 = 0;
      do {
        int base = person * p;
        double eta = 0;
        for (int i = 0; i < p; i++) {
          eta += beta[i] * x[base + i];
        }
        double risk = Math.exp(eta);
        if (dead[person]) {
          deaths++;
          denom2 += risk;
          loglik += eta;
          accumulate(a2, cmat2, base, risk);
          for (int i = 0; i < p; i++) {
            u[i] += x[base + i];
          }
        } else {
          denom += risk;
          accumulate(a, cmat, base, risk);
        }
        person--;
      } while (person >= 0 && time[person] == now && stratum[person] == stratum[person + 1]);

      if (deaths == 0) {
        continue;
      }
      if (!efron || deaths == 1) {
        denom += denom2;
        loglik -= deaths * Math.log(denom);
        addDeaths(1.0, deaths, denom);
      } else {
        // Efron: the deaths join the sums a fraction 1/d at a time, each step one term of the
        // likelihood.
        double fraction = 1.0 / deaths;
        for (int k = 0; k < deaths; k++) {
          denom += denom2 * fraction;
          loglik -= Math.log(denom);
          addDeaths(fraction, 1, denom);
        }
      }
      Arrays.fill(a2, 0);
      Arrays.fill(cmat2, 0);
    }
    return loglik;
  }

  private void accumulate(double[] s1, double[] s2, int base, double risk) {
    for (int i = 0; i < p; i++) {
      double xi = risk * x[base + i];
      s1[i] += xi;
      int row = i * p;
      for (int j = 0; j <= i; j++) {
        s2[row + j] += xi * x[base + j];
      }
    }
  }

  /**
   * Adds {@code fraction} of the deaths' sums to the risk sums, then {@code weight} terms to U and
   * I.
   */
  private void addDeaths(double fraction, double weight, double denom) {
    for (int i = 0; i < p; i++) {
      a[i] += a2[i] * fraction;
      double mean = a[i] / denom;
      u[i] -= weight * mean;
      int row = i * p;
      for (int j = 0; j <= i; j++) {
        cmat[row + j] += cmat2[row + j] * fraction;
        imat[i][j] += weight * (cmat[row + j] - mean * a[j]) / denom;
      }
    }
  }

  /**
   * Kalbfleisch-Prentice baseline survival at η = 0 (the covariate centre) for each stratum, at the
   * death times: α solves Σ_deaths r/(1 − α^r) = Σ_at risk r, with r = exp(η); S = Π α. At β = 0
   * this is 1 − d/n: the Kaplan-Meier curve.
   */
  double[] baselineSurvival(double[] beta, double[] eventTimes, int[] eventStratum) {
    double[] risk = new double[n];
    for (int person = 0; person < n; person++) {
      double eta = 0;
      for (int i = 0; i < p; i++) {
        eta += beta[i] * x[person * p + i];
      }
      risk[person] = Math.exp(eta);
    }
    // Walk upwards to emit curves in time order; the risk-set sum comes from a suffix sum per
    // stratum.
    double[] atRiskFrom = new double[n + 1];
    for (int person = n - 1; person >= 0; person--) {
      boolean lastOfStratum = person == n - 1 || stratum[person] != stratum[person + 1];
      atRiskFrom[person] = risk[person] + (lastOfStratum ? 0 : atRiskFrom[person + 1]);
    }
    double[] surv = new double[eventTimes.length];
    int out = 0;
    double km = 1;
    int person = 0;
    while (person < n) {
      if (person == 0 || stratum[person] != stratum[person - 1]) {
        km = 1;
      }
      int first = person;
      double now = time[person];
      while (person < n && time[person] == now && stratum[person] == stratum[first]) {
        person++;
      }
      double deathRisk = 0;
      int deaths = 0;
      double firstDeathRisk = Double.NaN;
      boolean equalRisks = true;
      for (int k = first; k < person; k++) {
        if (dead[k]) {
          if (deaths++ == 0) {
            firstDeathRisk = risk[k];
          }
          deathRisk += risk[k];
          equalRisks &= risk[k] == firstDeathRisk;
        }
      }
      if (deaths == 0) {
        continue;
      }
      km *= kpFactor(risk, first, person, deaths, deathRisk, atRiskFrom[first], equalRisks);
      eventTimes[out] = now;
      eventStratum[out] = stratum[first];
      surv[out++] = km;
    }
    return Arrays.copyOf(surv, out);
  }

  private double kpFactor(
      double[] risk,
      int from,
      int to,
      int deaths,
      double deathRisk,
      double atRisk,
      boolean equalRisks) {
    if (deathRisk >= atRisk) {
      return 0;
    }
    if (deaths == 1 || equalRisks) {
      double r = deathRisk / deaths;
      return Math.pow(1 - deathRisk / atRisk, 1 / r);
    }
    double lo = 0;
    double hi = 1;
    for (int iter = 0; iter < 200 && hi - lo > 0; iter++) {
      double mid = (lo + hi) / 2;
      if (mid == lo || mid == hi) {
        break;
      }
      double sum = 0;
      for (int k = from; k < to; k++) {
        if (dead[k]) {
          sum += risk[k] / (1 - Math.pow(mid, risk[k]));
        }
      }
      if (sum < atRisk) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }
}
