package org.llmfhiradapter.survival;

/**
 * A right-continuous step function of time given at its jumps, such as a baseline survival curve.
 * The arrays are the caller's to read, not to modify.
 *
 * @param time jump times, increasing
 * @param value the value from each jump time on (before the first jump: 1 for a survival curve)
 */
public record StepCurve(double[] time, double[] value) {

  public int size() {
    return time.length;
  }
}
