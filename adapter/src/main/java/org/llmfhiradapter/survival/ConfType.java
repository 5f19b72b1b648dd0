package org.llmfhiradapter.survival;

/** Transformation used for pointwise confidence intervals of a survival curve, as R's {@code conf.type}. */
public enum ConfType {
  /** Interval on log S (R's default): exp(log S ± z·se). */
  LOG,
  /** Interval on log(−log S). */
  LOG_LOG,
  /** Interval on S itself: S ± z·se·S, clipped to [0, 1]. */
  PLAIN
}
