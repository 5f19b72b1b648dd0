package org.llmfhiradapter.plot;

/**
 * Tick marks for the time axis: multiples of 12 when the unit is months (so that years fall on
 * ticks), else a "nice" step of 1, 2 or 5 times a power of ten; about six ticks either way.
 */
record AxisTicks(double step, double max) {

  static AxisTicks covering(double maxTime, boolean months) {
    if (!(maxTime > 0) || !Double.isFinite(maxTime)) {
      return new AxisTicks(1, 1);
    }
    double step;
    if (months && maxTime >= 24) {
      step = 12 * Math.max(1, Math.ceil(maxTime / 12 / 8));
    } else {
      double raw = maxTime / 6;
      double power = Math.pow(10, Math.floor(Math.log10(raw)));
      double fraction = raw / power;
      step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
    return new AxisTicks(step, Math.ceil(maxTime / step - 1e-9) * step);
  }

  /**
   * Ticks every {@code step}, far enough to cover {@code maxTime} (at most 50 of them, else
   * automatic).
   */
  static AxisTicks every(double step, double maxTime) {
    if (!(maxTime > 0) || !Double.isFinite(maxTime) || maxTime / step > 50) {
      return covering(maxTime, false);
    }
    return new AxisTicks(step, Math.max(step, Math.ceil(maxTime / step - 1e-9) * step));
  }

  int count() {
    return (int) Math.round(max / step) + 1;
  }

  double at(int i) {
    return i * step;
  }
}
