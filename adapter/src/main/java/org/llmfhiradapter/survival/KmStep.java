package org.llmfhiradapter.survival;

/**
 * One row of a Kaplan-Meier table: a distinct time (event or censoring) with its counts and the
 * curve just after it.
 *
 * @param nRisk number with time ≥ this time (those censored at it count as at risk)
 * @param stdErr standard error of the cumulative hazard −log S (Greenwood), as R's {@code survfit}
 *     stores it in {@code std.err}; +Inf once S reaches 0
 * @param lower lower pointwise confidence limit of S (NaN where R reports NA)
 * @param upper upper pointwise confidence limit of S (NaN where R reports NA)
 */
public record KmStep(
    double time,
    int nRisk,
    int nEvent,
    int nCensor,
    double surv,
    double stdErr,
    double lower,
    double upper) {}
