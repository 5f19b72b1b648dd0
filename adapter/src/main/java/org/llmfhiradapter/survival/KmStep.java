package org.llmfhiradapter.survival;

/**
 * One row of a Kaplan-Meier table: a distinct time with its counts and the curve just after it.
 *
 * @param stdErr standard error of the cumulative hazard −log S (Greenwood), as R's {@code survfit} stores it
 *     in {@code std.err}; NaN once S reaches 0
 * @param lower lower pointwise confidence limit of S (NaN where R reports NA)
 * @param upper upper pointwise confidence limit of S
 */
public record KmStep(
    double time, int nRisk, int nEvent, int nCensor, double surv, double stdErr, double lower, double upper) {}
