package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tier 1: partial likelihoods small enough to maximise by hand. */
class CoxModelTest {

  /**
   * C (x=1) censored at 3, A (x=1) dies at 1, B (x=0) dies at 2. L(β) = e^β/(2e^β + 1) · 1/(1 +
   * e^β); the score 1 − 2u/(2u + 1) − u/(1 + u) = 0 gives u = e^β = 1/√2, β̂ = −ln(2)/2.
   */
  private static SurvivalData threeSubjects() {
    return SurvivalData.builder()
        .time(new double[] {3, 1, 2})
        .status(new double[] {0, 1, 1})
        .covariate("x", new double[] {1, 1, 0})
        .build();
  }

  @Test
  void newtonRaphsonFindsTheMaximumOfTheHandMadeLikelihood() {
    CoxFit fit = CoxModel.fit(threeSubjects(), CoxOptions.DEFAULTS);

    double u = 1 / Math.sqrt(2);
    assertThat(fit.converged()).isTrue();
    assertThat(fit.terms().get(0).coef()).isCloseTo(-Math.log(2) / 2, within(1e-9));
    assertThat(fit.terms().get(0).hr()).isCloseTo(u, within(1e-9));
    assertThat(fit.loglikNull()).isCloseTo(-Math.log(3) - Math.log(2), within(1e-15));
    assertThat(fit.loglik())
        .isCloseTo(Math.log(u) - Math.log(2 * u + 1) - Math.log(1 + u), within(1e-12));
    assertThat(fit.lrTest().chisq())
        .isCloseTo(2 * (fit.loglik() - fit.loglikNull()), within(1e-15));
  }

  @Test
  void theScoreTestIsUSquaredOverTheInformationAtZero() {
    // U(0) = (1 − 2/3) + (0 − 1/2) = −1/6; I(0) = 2/3·1/3 + 1/2·1/2 = 17/36
    assertThat(CoxModel.fit(threeSubjects(), CoxOptions.DEFAULTS).scoreTest().chisq())
        .isCloseTo(1.0 / 17, within(1e-15));
  }

  @Test
  void theStandardErrorIsTheInverseInformationAtTheEstimate() {
    CoxFit fit = CoxModel.fit(threeSubjects(), CoxOptions.DEFAULTS);

    // I(β) = 2u/(2u + 1)² + u/(1 + u)² at u = 1/√2
    double u = 1 / Math.sqrt(2);
    double information = 2 * u / Math.pow(2 * u + 1, 2) + u / Math.pow(1 + u, 2);
    CoxTerm term = fit.terms().get(0);
    assertThat(term.se()).isCloseTo(Math.sqrt(1 / information), within(1e-9));
    assertThat(term.z()).isCloseTo(term.coef() / term.se(), within(1e-15));
    assertThat(fit.waldTest().chisq()).isCloseTo(term.z() * term.z(), within(1e-12));
    assertThat(term.hrLower())
        .isCloseTo(Math.exp(term.coef() - 1.959963984540054 * term.se()), within(1e-12));
  }

  @Test
  void efronCountsTiedDeathsLeavingInFractionsBreslowAllAtOnce() {
    // Two deaths at t = 1 among three, then one at t = 2 alone: at β = 0
    // Breslow: −2 log 3; Efron: −log 3 − log(3 − 1) (the second term with half the deaths gone).
    SurvivalData tied =
        SurvivalData.builder()
            .time(new double[] {2, 1, 1})
            .status(new double[] {1, 1, 1})
            .covariate("x", new double[] {0, 1, 0})
            .build();

    assertThat(CoxModel.fit(tied, CoxOptions.DEFAULTS.withTies(Ties.BRESLOW)).loglikNull())
        .isCloseTo(-2 * Math.log(3), within(1e-15));
    assertThat(CoxModel.fit(tied, CoxOptions.DEFAULTS).loglikNull())
        .isCloseTo(-Math.log(3) - Math.log(2), within(1e-15));
  }

  @Test
  void strataKeepSeparateRiskSetsSoTwoCopiesDoubleTheLikelihoodAndKeepTheEstimate() {
    SurvivalData twice =
        SurvivalData.builder()
            .time(new double[] {3, 1, 2, 3.5, 1.5, 2.5})
            .status(new double[] {0, 1, 1, 0, 1, 1})
            .covariate("x", new double[] {1, 1, 0, 1, 1, 0})
            .strata(new String[] {"s", "s", "s", "t", "t", "t"})
            .build();

    CoxFit fit = CoxModel.fit(twice, CoxOptions.DEFAULTS);

    assertThat(fit.loglikNull()).isCloseTo(2 * (-Math.log(3) - Math.log(2)), within(1e-14));
    assertThat(fit.terms().get(0).coef()).isCloseTo(-Math.log(2) / 2, within(1e-9));
  }

  @Test
  void rowOrderDoesNotMatter() {
    SurvivalData shuffled =
        SurvivalData.builder()
            .time(new double[] {2, 3, 1})
            .status(new double[] {1, 0, 1})
            .covariate("x", new double[] {0, 1, 1})
            .build();

    assertThat(CoxModel.fit(shuffled, CoxOptions.DEFAULTS).terms())
        .isEqualTo(CoxModel.fit(threeSubjects(), CoxOptions.DEFAULTS).terms());
  }

  @Test
  void separationConvergesInTheLikelihoodAndFlagsTheCoefficientAsPossiblyInfinite() {
    // Every death while x = 1 subjects are at risk is an x = 1 subject: β → +∞.
    SurvivalData separated =
        SurvivalData.builder()
            .time(new double[] {6, 2, 12, 3, 8, 5, 9, 3, 10, 7})
            .status(new double[] {1, 1, 0, 1, 1, 0, 1, 1, 0, 0})
            .covariate("x", new double[] {1, 1, 0, 1, 0, 1, 0, 1, 0, 0})
            .build();

    CoxFit fit = CoxModel.fit(separated, CoxOptions.DEFAULTS);

    CoxTerm term = fit.terms().get(0);
    assertThat(fit.converged()).isTrue();
    assertThat(term.possiblyInfinite()).isTrue();
    assertThat(term.coef()).isGreaterThan(15);
    assertThat(term.hrUpper()).isInfinite();
    assertThat(fit.warnings())
        .containsExactly("Loglik converged before variable  1 ; coefficient may be infinite. ");
    assertThat(fit.lrTest().chisq()).isFinite().isPositive();
    assertThat(fit.scoreTest().chisq()).isFinite().isPositive();
  }

  @Test
  void runningOutOfIterationsIsReportedAsDataWithRsWarning() {
    CoxFit fit = CoxModel.fit(threeSubjects(), CoxOptions.DEFAULTS.withIterMax(2));

    assertThat(fit.converged()).isFalse();
    assertThat(fit.iterations()).isEqualTo(3);
    assertThat(fit.warnings()).containsExactly("Ran out of iterations and did not converge");
    assertThat(fit.terms().get(0).coef()).isNegative().isGreaterThan(-Math.log(2) / 2 - 0.1);
  }

  @Test
  void aCollinearCovariateIsAliasedAndLeftOutOfTheDegreesOfFreedom() {
    SurvivalData collinear =
        SurvivalData.builder()
            .time(new double[] {3, 1, 2, 4})
            .status(new double[] {0, 1, 1, 1})
            .covariate("x", new double[] {1, 1, 0, 0})
            .covariate("twice_x", new double[] {2, 2, 0, 0})
            .build();

    CoxFit fit = CoxModel.fit(collinear, CoxOptions.DEFAULTS);

    assertThat(fit.terms().get(1).aliased()).isTrue();
    assertThat(fit.terms().get(0).aliased()).isFalse();
    assertThat(fit.lrTest().df()).isEqualTo(1);
    assertThat(fit.warnings()).containsExactly("X matrix deemed to be singular; variable 2");
  }

  @Test
  void withoutEventsThereIsNoModel() {
    SurvivalData censored =
        SurvivalData.builder()
            .time(new double[] {1, 2})
            .status(new double[] {0, 0})
            .covariate("x", new double[] {0, 1})
            .build();

    assertThatThrownBy(() -> CoxModel.fit(censored, CoxOptions.DEFAULTS))
        .isInstanceOf(SurvivalDataException.class)
        .hasMessage("no events: a Cox model needs at least one event");
  }
}
