package org.llmfhiradapter.cohort;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.conformance.ClinicalDates;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.ReviewedRecord;

/**
 * One patient's reviewed resources sorted into their roles, each with its clinical date: the usable
 * ones, and apart from them the unusable ones (a role, but an error against its profile). Resources
 * set aside by their status (entered in error, refuted, not done, ...) play no role and are no sign
 * of life either.
 */
final class ClassifiedChart {

  /** A resource in a role, with the clinical date read off it (null when it has none usable). */
  record Fact(ResourceRole role, Resource resource, LocalDate date) {
    String reference() {
      return ResourceFinding.reference(resource);
    }
  }

  private final Map<ResourceRole, List<Fact>> usable = new EnumMap<>(ResourceRole.class);
  private final Map<ResourceRole, List<Fact>> unusable = new EnumMap<>(ResourceRole.class);
  private final List<Dated> allDates = new ArrayList<>();

  /** A clinical date and the resource it was read off ({@code Type/id}). */
  record Dated(LocalDate date, String reference) {}

  static ClassifiedChart of(ReviewedRecord reviewed) {
    ClassifiedChart chart = new ClassifiedChart();
    for (Condition condition : reviewed.conditions()) {
      LocalDate recorded = ClinicalDates.of(condition.getRecordedDateElement());
      chart.take(reviewed, condition, ClinicalDates.of(condition), recorded);
    }
    for (Procedure procedure : reviewed.procedures()) {
      chart.take(reviewed, procedure, ClinicalDates.of(procedure), null);
    }
    for (Observation observation : reviewed.observations()) {
      chart.take(reviewed, observation, ClinicalDates.of(observation), null);
    }
    return chart;
  }

  private void take(
      ReviewedRecord reviewed, Resource resource, LocalDate date, LocalDate alsoSeen) {
    // What did not happen (or was never so) is no sign of life.
    if (reviewed.isSetAside(resource)) {
      return;
    }
    seen(date, resource);
    seen(alsoSeen, resource);
    reviewed
        .role(resource)
        .ifPresent(
            role -> {
              Map<ResourceRole, List<Fact>> target =
                  reviewed.errors(resource).isEmpty() ? usable : unusable;
              target
                  .computeIfAbsent(role, r -> new ArrayList<>())
                  .add(new Fact(role, resource, date));
            });
  }

  private void seen(LocalDate date, Resource resource) {
    if (date != null) {
      allDates.add(new Dated(date, ResourceFinding.reference(resource)));
    }
  }

  /** Usable facts in a role, earliest first; undated ones last. */
  List<Fact> facts(ResourceRole role) {
    return sorted(usable.getOrDefault(role, List.of()));
  }

  /** Unusable facts in a role (they fail their profile), earliest first; undated ones last. */
  List<Fact> unusable(ResourceRole role) {
    return sorted(unusable.getOrDefault(role, List.of()));
  }

  /** Every unusable fact, in role order, earliest first within a role. */
  List<Fact> unusable() {
    List<Fact> all = new ArrayList<>();
    for (ResourceRole role : ResourceRole.values()) {
      all.addAll(unusable(role));
    }
    return all;
  }

  private static List<Fact> sorted(List<Fact> facts) {
    List<Fact> copy = new ArrayList<>(facts);
    copy.sort(Comparator.comparing(Fact::date, Comparator.nullsLast(Comparator.naturalOrder())));
    return copy;
  }

  /** Every clinical date seen in the chart (onsets, recorded dates, procedures, observations). */
  List<LocalDate> allDates() {
    return allDates.stream().map(Dated::date).toList();
  }

  /** The earliest clinical date of the chart and its resource, if the chart has any. */
  Optional<Dated> earliest() {
    return allDates.stream().min(Comparator.comparing(Dated::date));
  }
}
