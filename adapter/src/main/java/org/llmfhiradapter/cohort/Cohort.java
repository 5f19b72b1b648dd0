package org.llmfhiradapter.cohort;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.llmfhiradapter.conformance.ResourceFinding;

/**
 * The cohort after mapping: who is in, who is out and why, and what the validator warned about.
 * Counts reconcile by construction: every candidate is included, excluded or unfetched, once; a
 * candidate that is half of a merged chart whose other half is also a candidate is one person,
 * counted once ({@code mergedCandidates} says how many candidates were so folded into another).
 * {@code includedSources} names the server (base URL) each included record was pulled from, in the
 * order of {@code included}, or is empty when that is not known. {@code exportErrors} counts, by
 * issue code, the OperationOutcome issues a server listed in the error files of its Bulk Data
 * exports (no patient named).
 */
public record Cohort(
    List<CaseRecord> included,
    List<Exclusion> excluded,
    List<MappingOutcome.Unfetched> unfetched,
    List<ResourceFinding> warnings,
    int mergedCandidates,
    List<String> includedSources,
    Map<String, Integer> exportErrors) {

  /** A cohort where every candidate was fetched, none of them half of a merged chart. */
  public Cohort(
      List<CaseRecord> included, List<Exclusion> excluded, List<ResourceFinding> warnings) {
    this(included, excluded, List.of(), warnings, 0, List.of(), Map.of());
  }

  /** This cohort with the error issues of the exports it was pulled by, added to those it has. */
  public Cohort withExportErrors(Map<String, Integer> errors) {
    Map<String, Integer> all = new TreeMap<>(exportErrors);
    errors.forEach((code, n) -> all.merge(code, n, Integer::sum));
    return new Cohort(
        included, excluded, unfetched, warnings, mergedCandidates, includedSources, all);
  }

  /**
   * The cohorts of several sources as one: each person is counted in the source they were pulled
   * from (server record ids mean nothing across servers, so no one is matched across sources).
   */
  public static Cohort combine(List<Cohort> cohorts) {
    List<CaseRecord> included = new java.util.ArrayList<>();
    List<Exclusion> excluded = new java.util.ArrayList<>();
    List<MappingOutcome.Unfetched> unfetched = new java.util.ArrayList<>();
    List<ResourceFinding> warnings = new java.util.ArrayList<>();
    List<String> sources = new java.util.ArrayList<>();
    int merged = 0;
    Map<String, Integer> errors = new TreeMap<>();
    for (Cohort cohort : cohorts) {
      cohort.exportErrors().forEach((code, n) -> errors.merge(code, n, Integer::sum));
      included.addAll(cohort.included());
      excluded.addAll(cohort.excluded());
      unfetched.addAll(cohort.unfetched());
      warnings.addAll(cohort.warnings());
      sources.addAll(
          cohort.includedSources().isEmpty()
              ? java.util.Collections.nCopies(cohort.included().size(), "")
              : cohort.includedSources());
      merged += cohort.mergedCandidates();
    }
    return new Cohort(
        included,
        excluded,
        unfetched,
        warnings,
        merged,
        sources.stream().allMatch(String::isEmpty) ? List.of() : sources,
        errors);
  }

  /** The base URL of the server an included record came from ({@code ""} when not known). */
  public String sourceOf(int includedIndex) {
    return includedSources.isEmpty() ? "" : includedSources.get(includedIndex);
  }

  /**
   * Warnings of one kind, counted over the cohort: same profile, element and rule.
   *
   * @param example one of the messages (they differ only in the values quoted)
   */
  public record DataQualityNote(
      String profileId, String location, String rule, String example, int count) {}

  /** The {@code profile} of data-quality notes counting a Bulk Data export's error issues. */
  public static final String EXPORT_ERRORS = "bulk-export-errors";

  public Cohort {
    included = List.copyOf(included);
    excluded = List.copyOf(excluded);
    unfetched = List.copyOf(unfetched);
    warnings = List.copyOf(warnings);
    includedSources = List.copyOf(includedSources);
    exportErrors = java.util.Collections.unmodifiableMap(new TreeMap<>(exportErrors));
    if (!includedSources.isEmpty() && includedSources.size() != included.size()) {
      throw new IllegalArgumentException(
          "includedSources must name the source of every included record, or none");
    }
  }

  /** Every candidate: included, excluded or (with --allow-partial) not fetched. */
  public int pulled() {
    return included.size() + excluded.size() + unfetched.size();
  }

  /** Excluded patients counted by reason code, in code order. */
  public Map<String, Integer> exclusionCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Exclusion exclusion : excluded) {
      counts.merge(exclusion.reason().code(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * The warnings grouped by profile, element and rule, most frequent first. No patient is named.
   */
  public List<DataQualityNote> dataQuality() {
    Map<String, DataQualityNote> notes = new LinkedHashMap<>();
    for (ResourceFinding finding : warnings) {
      String key =
          finding.profileId()
              + "\u0000"
              + finding.issue().location()
              + "\u0000"
              + finding.issue().rule();
      notes.merge(
          key,
          new DataQualityNote(
              finding.profileId(),
              finding.issue().location(),
              finding.issue().rule(),
              finding.issue().message(),
              1),
          (a, b) ->
              new DataQualityNote(
                  a.profileId(), a.location(), a.rule(), a.example(), a.count() + 1));
    }
    List<DataQualityNote> sorted =
        new java.util.ArrayList<>(
            notes.values().stream()
                .sorted(
                    Comparator.comparingInt(DataQualityNote::count)
                        .reversed()
                        .thenComparing(DataQualityNote::profileId))
                .toList());
    // The server's own account of what it could not export: its diagnostics may name a patient, so
    // only the issue codes are kept.
    exportErrors.forEach(
        (code, n) ->
            sorted.add(
                new DataQualityNote(
                    EXPORT_ERRORS,
                    "OperationOutcome.issue",
                    code,
                    "issues of this code in the Bulk Data export's error files (diagnostics not kept)",
                    n)));
    return List.copyOf(sorted);
  }
}
