package org.llmfhiradapter.survival;

/**
 * Restricted mean survival time: the area under the curve from 0 to {@code tau}.
 *
 * @param estimate ∫₀^τ S(t) dt
 * @param se its standard error, as R's {@code survfit} prints {@code se(rmean)}
 * @param tau the upper limit of integration
 */
public record RestrictedMean(double estimate, double se, double tau) {}
