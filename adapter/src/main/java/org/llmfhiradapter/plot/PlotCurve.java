package org.llmfhiradapter.plot;

import java.util.List;
import org.llmfhiradapter.survival.KmStep;

/**
 * One curve of a plot: its label and its Kaplan-Meier table.
 *
 * @param label the curve's name, in the legend and the at-risk table (e.g. {@code R0})
 * @param note what the legend adds after the label (e.g. the median and its CI); empty for nothing
 * @param n patients at time 0 (the at-risk count before the first step)
 * @param steps the Kaplan-Meier table, times in the fit's unit (days for the study)
 * @param median the median survival time (the estimator's, in the fit's unit), where a drop line is
 *     drawn; NaN when not reached
 */
public record PlotCurve(String label, String note, int n, List<KmStep> steps, double median) {

  public PlotCurve {
    note = note == null ? "" : note;
    steps = List.copyOf(steps);
  }

  /** A curve without a median drop line. */
  public PlotCurve(String label, String note, int n, List<KmStep> steps) {
    this(label, note, n, steps, Double.NaN);
  }

  /** Number at risk at time {@code t}: those whose time is ≥ t. */
  public int atRisk(double t) {
    for (KmStep step : steps) {
      if (step.time() >= t) {
        return step.nRisk();
      }
    }
    return 0;
  }

  /** Patients censored before time {@code t}. */
  public int censoredBefore(double t) {
    return steps.stream().filter(step -> step.time() < t).mapToInt(KmStep::nCensor).sum();
  }

  /** Events before time {@code t}. */
  public int eventsBefore(double t) {
    return steps.stream().filter(step -> step.time() < t).mapToInt(KmStep::nEvent).sum();
  }

  /** Survival just after time {@code t} (1 before the first step). */
  public double survivalAt(double t) {
    double s = 1;
    for (KmStep step : steps) {
      if (step.time() > t) {
        break;
      }
      s = step.surv();
    }
    return s;
  }
}
