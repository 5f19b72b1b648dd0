package org.llmfhiradapter.survival;

/**
 * One coefficient of a Cox model, as a row of R's {@code summary(coxph)}.
 *
 * @param coef log hazard ratio; NaN when the covariate is aliased (collinear with the others)
 * @param hr exp(coef)
 * @param se standard error of coef
 * @param z coef / se (Wald)
 * @param p two-sided Wald p-value
 * @param hrLower lower confidence limit of the hazard ratio, exp(coef − z·se)
 * @param hrUpper upper confidence limit, exp(coef + z·se); +Inf for a possibly infinite coefficient
 * @param possiblyInfinite the likelihood converged while this coefficient was still moving: it is
 *     likely infinite (monotone likelihood, separation), and coef, se, z and p only say how far
 *     Newton got
 */
public record CoxTerm(
    String name,
    double coef,
    double hr,
    double se,
    double z,
    double p,
    double hrLower,
    double hrUpper,
    boolean possiblyInfinite) {

  public boolean aliased() {
    return Double.isNaN(coef);
  }
}
