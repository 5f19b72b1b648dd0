package org.llmfhiradapter.analysis.csv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.survival.ConfType;
import org.llmfhiradapter.survival.CoxOptions;
import org.llmfhiradapter.survival.Ties;

/**
 * What {@code analyze} was asked to compute, validated.
 *
 * @param eventValue the value of the event column that means "event", or null for 1/0 coding
 * @param group Kaplan-Meier curves per level and the log-rank test, or null
 * @param strata strata of the log-rank test and the Cox model, or null
 * @param covariates Cox covariates, numbers or labels (empty: no Cox model)
 * @param references the reference level of covariates of labels, by column (others: the first
 *     label)
 */
public record AnalysisSpec(
    String time,
    String event,
    Double eventValue,
    String group,
    String strata,
    List<String> covariates,
    Map<String, String> references,
    Ties ties,
    ConfType confType,
    double confLevel,
    double rho,
    List<Double> landmarks) {

  static final List<Double> QUANTILES = List.of(0.25, 0.5, 0.75);

  public AnalysisSpec {
    covariates = List.copyOf(covariates);
    references = Map.copyOf(references);
    landmarks = List.copyOf(landmarks);
    for (String column : references.keySet()) {
      if (!covariates.contains(column)) {
        throw new AnalysisInputException(
            "--reference " + column + "=...: '" + column + "' is not one of --covariates");
      }
    }
    // A column may be both the group (curves, log-rank) and a Cox covariate; no other role is
    // shared.
    List<String> roles = new ArrayList<>(List.of(time, event));
    if (group != null) {
      roles.add(group);
    }
    if (strata != null) {
      roles.add(strata);
    }
    for (String covariate : covariates) {
      if (!covariate.equals(group)) {
        roles.add(covariate);
      }
    }
    for (int i = 0; i < roles.size(); i++) {
      if (roles.subList(0, i).contains(roles.get(i))) {
        throw new AnalysisInputException("column '" + roles.get(i) + "' is given for two roles");
      }
    }
    if (strata != null && group == null && covariates.isEmpty()) {
      throw new AnalysisInputException(
          "--strata applies to the log-rank test (--group) and the Cox model (--covariates); give one");
    }
  }

  public CoxOptions coxOptions() {
    return CoxOptions.DEFAULTS.withTies(ties);
  }
}
