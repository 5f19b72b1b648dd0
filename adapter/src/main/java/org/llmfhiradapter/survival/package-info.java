/**
 * Survival statistics that reproduce R's {@code survival} package (3.5-3): Kaplan-Meier curves with
 * Greenwood variance, quantiles, restricted means and landmarks ({@link
 * org.llmfhiradapter.survival.KaplanMeier}); the G-rho family of k-sample tests ({@link
 * org.llmfhiradapter.survival.LogRankTest}); Cox proportional hazards with Efron or Breslow ties
 * and strata ({@link org.llmfhiradapter.survival.CoxModel}) and Harrell's concordance ({@link
 * org.llmfhiradapter.survival.Concordance}).
 *
 * <p>Input is {@link org.llmfhiradapter.survival.SurvivalData}: complete cases, incomplete rows
 * dropped and counted. Every estimator merges near-equal times as R does ({@link
 * org.llmfhiradapter.survival.TimeTies}) and is unit-agnostic: results are in the time unit given.
 * Each class states its contract (inputs, variant, degenerate input, errors) in its Javadoc; values
 * are checked against files written by R (src/test/resources/survival/reference). Work is O(n log
 * n) for one sort and O(n·p²) per Newton step, memory linear in n.
 *
 * <p>Plain numbers in, plain numbers out: nothing here knows FHIR or Camel.
 */
package org.llmfhiradapter.survival;
