package org.llmfhiradapter.survival;

import java.util.Locale;

/**
 * Transformation used for pointwise confidence intervals of a survival curve, as R's {@code
 * conf.type}.
 */
public enum ConfType {
  /** Interval on log S (R's default): exp(log S ± z·se). */
  LOG("log"),
  /** Interval on log(−log S). */
  LOG_LOG("log-log"),
  /** Interval on S itself: S ± z·se·S, clipped to [0, 1]. */
  PLAIN("plain");

  private final String rName;

  ConfType(String rName) {
    this.rName = rName;
  }

  /** The name R uses: log, log-log, plain. */
  public String rName() {
    return rName;
  }

  /** Parses R's name (case-insensitive). */
  public static ConfType parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ConfType type : values()) {
      if (type.rName.equals(wanted)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "conf type must be log, log-log or plain, not '" + name + "'");
  }
}
