package org.llmfhiradapter.survival;

import java.util.Locale;

/** How a Cox partial likelihood treats deaths at the same time, as R's {@code coxph(ties = )}. */
public enum Ties {
  /** Efron's approximation (R's default): the tied deaths leave the risk set in equal fractions. */
  EFRON,
  /** Breslow's approximation: every tied death sees the whole risk set. */
  BRESLOW;

  /** The name R uses: efron, breslow. */
  public String rName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Ties parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Ties ties : values()) {
      if (ties.rName().equals(wanted)) {
        return ties;
      }
    }
    throw new IllegalArgumentException("ties must be efron or breslow, not '" + name + "'");
  }
}
