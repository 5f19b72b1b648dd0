package org.llmfhiradapter.cohort;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cohort after mapping: who is in, who is out and why. Counts reconcile by construction: every pulled
 * patient is either included or excluded, once.
 */
public record Cohort(List<CaseRecord> included, List<Exclusion> excluded) {

  public Cohort {
    included = List.copyOf(included);
    excluded = List.copyOf(excluded);
  }

  public int pulled() {
    return included.size() + excluded.size();
  }

  /** Excluded patients counted by reason code, in code order. */
  public Map<String, Integer> exclusionCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Exclusion exclusion : excluded) {
      counts.merge(exclusion.reason().code(), 1, Integer::sum);
    }
    return counts;
  }
}
