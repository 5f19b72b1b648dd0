package org.llmfhiradapter.survival;

import java.util.List;

/**
 * A fitted Cox proportional hazards model, with what R's {@code summary(coxph)} reports.
 *
 * @param terms coefficients in the order of the covariates
 * @param loglikNull partial log-likelihood at β = 0
 * @param loglik partial log-likelihood at the reported β
 * @param lrTest likelihood ratio test 2(loglik − loglikNull)
 * @param waldTest βᵀ V⁻¹ β
 * @param scoreTest score test at β = 0, U(0)ᵀ I(0)⁻¹ U(0) (the log-rank test for one binary
 *     covariate without tied deaths)
 * @param iterations Newton-Raphson steps taken; iterMax + 1 when they ran out, as R reports
 * @param converged the log-likelihood converged within iterMax steps
 * @param warnings R's warnings, word for word ("Ran out of iterations and did not converge",
 *     "Loglik converged before variable 1 ; coefficient may be infinite. ") and "X matrix deemed to
 *     be singular; variable j" for aliased covariates
 * @param variance the variance matrix of β, the inverse information at β ({@code
 *     variance.get(i).get(j)})
 * @param means covariate means (the centre at which R computes the linear predictor)
 * @param n rows used
 * @param events events among them
 */
public record CoxFit(
    List<CoxTerm> terms,
    double loglikNull,
    double loglik,
    ChiSquareTest lrTest,
    ChiSquareTest waldTest,
    ChiSquareTest scoreTest,
    int iterations,
    boolean converged,
    Concordance concordance,
    List<String> warnings,
    List<List<Double>> variance,
    List<Double> means,
    Ties ties,
    int n,
    int events) {

  public CoxFit {
    terms = List.copyOf(terms);
    warnings = List.copyOf(warnings);
    variance = variance.stream().map(List::copyOf).toList();
    means = List.copyOf(means);
  }

  /** The coefficients, 0 for aliased covariates (as they enter the linear predictor). */
  public double[] coefficients() {
    return terms.stream().mapToDouble(t -> t.aliased() ? 0 : t.coef()).toArray();
  }
}
