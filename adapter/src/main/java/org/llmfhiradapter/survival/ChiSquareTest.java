package org.llmfhiradapter.survival;

/**
 * A chi-square test statistic with its degrees of freedom and upper-tail p-value.
 *
 * @param p P(χ²_df > chisq); 1 when chisq is 0
 */
public record ChiSquareTest(double chisq, int df, double p) {

  static ChiSquareTest of(double chisq, int df) {
    return new ChiSquareTest(chisq, df, Probabilities.chiSquareUpper(chisq, df));
  }
}
