package org.llmfhiradapter.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.survival.SampleQuantile;

/**
 * The distribution of each case-record variable over the included patients (the abstract's first
 * paragraph).
 */
final class Variables {

  private Variables() {}

  static List<VariableSummary> summarize(List<CaseRecord> cases) {
    List<VariableSummary> variables = new ArrayList<>();
    variables.add(levels("sex", cases, CaseRecord::sex, "female", "male"));
    variables.add(
        numeric("age_years", cases, r -> r.ageYears() == null ? null : r.ageYears().doubleValue()));
    variables.add(yesNo("primary_r0", cases, CaseRecord::primaryR0));
    variables.add(
        numeric(
            "dx_to_llm_months",
            cases,
            r -> r.dxToLlmDays() == null ? null : CaseRecord.months(r.dxToLlmDays())));
    variables.add(yesNo("synchronous", cases, CaseRecord::synchronous));
    variables.add(
        yesNo("primary_resection_to_llm_ge_12", cases, CaseRecord::primaryResectionToLlmGe12));
    variables.add(numeric("largest_llm_cm", cases, CaseRecord::largestLlmCm));
    variables.add(yesNo("largest_llm_lt_5cm", cases, CaseRecord::largestLlmLt5cm));
    variables.add(
        numeric("llm_count", cases, r -> r.llmCount() == null ? null : r.llmCount().doubleValue()));
    variables.add(yesNo("multiple_llm", cases, CaseRecord::multipleLlm));
    variables.add(yesNo("neoadjuvant_chemo", cases, CaseRecord::neoadjuvantChemo));
    variables.add(
        levels(
            "chemo_response",
            cases,
            CaseRecord::chemoResponse,
            "responded",
            "stable",
            "progressed"));
    variables.add(yesNo("major_hepatectomy", cases, CaseRecord::majorHepatectomy));
    variables.add(yesNo("rfa", cases, CaseRecord::rfa));
    variables.add(
        yesNo(
            "recurred",
            cases,
            r -> r.recurrencePattern() == null ? null : !r.recurrencePattern().equals("none")));
    variables.add(
        levels(
            "recurrence_pattern",
            cases,
            CaseRecord::recurrencePattern,
            "none",
            "lung-only",
            "liver-only",
            "liver-and-other",
            "other-without-liver"));
    return variables;
  }

  private static VariableSummary yesNo(
      String name, List<CaseRecord> cases, Function<CaseRecord, Boolean> value) {
    List<Boolean> known = cases.stream().map(value).filter(Objects::nonNull).toList();
    int yes = (int) known.stream().filter(Boolean::booleanValue).count();
    return new VariableSummary(
        name, known.size(), cases.size() - known.size(), yes, null, null, null, null);
  }

  private static VariableSummary numeric(
      String name, List<CaseRecord> cases, Function<CaseRecord, Double> value) {
    double[] known =
        cases.stream()
            .map(value)
            .filter(Objects::nonNull)
            .mapToDouble(Double::doubleValue)
            .sorted()
            .toArray();
    Double q1 = known.length == 0 ? null : SampleQuantile.type7(known, 0.25);
    Double q3 = known.length == 0 ? null : SampleQuantile.type7(known, 0.75);
    return new VariableSummary(
        name, known.length, cases.size() - known.length, null, median(known), q1, q3, null);
  }

  private static VariableSummary levels(
      String name, List<CaseRecord> cases, Function<CaseRecord, String> value, String... order) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Arrays.stream(order).forEach(level -> counts.put(level, 0));
    int known = 0;
    for (CaseRecord record : cases) {
      String level = value.apply(record);
      if (level != null) {
        counts.merge(level, 1, Integer::sum);
        known++;
      }
    }
    return new VariableSummary(name, known, cases.size() - known, null, null, null, null, counts);
  }

  /** The median as R's {@code median()}: the middle value, or the mean of the two middle ones. */
  static Double median(double[] sorted) {
    if (sorted.length == 0) {
      return null;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
  }
}
