package org.llmfhiradapter.routes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.cohort.Exclusion;
import org.llmfhiradapter.cohort.MappingOutcome;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the split's per-patient outcomes into one {@link Cohort}. Patients finish in any order
 * when fetched in parallel; the cohort lists them in the order the server returned the candidates.
 */
public final class CohortAggregation implements AggregationStrategy {

  private static final Logger log = LoggerFactory.getLogger(CohortAggregation.class);

  private final String sourceUrl;
  private final java.util.function.Supplier<java.util.Map<String, Integer>> exportErrors;

  /**
   * @param sourceUrl base URL of the server the patients are pulled from
   * @param exportErrors the error issues of its Bulk Data exports by code, once the pull is done
   */
  public CohortAggregation(
      String sourceUrl, java.util.function.Supplier<java.util.Map<String, Integer>> exportErrors) {
    this.sourceUrl = sourceUrl;
    this.exportErrors = exportErrors;
  }

  /** Outcomes so far, tagged with the split index so the cohort keeps discovery order. */
  private static final class Outcomes {
    final List<MappingOutcome> byIndex = new ArrayList<>();

    void put(int index, MappingOutcome outcome) {
      while (byIndex.size() <= index) {
        byIndex.add(null);
      }
      byIndex.set(index, outcome);
    }
  }

  @Override
  public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
    MappingOutcome outcome = newExchange.getMessage().getBody(MappingOutcome.class);
    int index = newExchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
    if (oldExchange == null) {
      Outcomes outcomes = new Outcomes();
      outcomes.put(index, outcome);
      newExchange.getMessage().setBody(outcomes);
      return newExchange;
    }
    oldExchange.getMessage().getBody(Outcomes.class).put(index, outcome);
    return oldExchange;
  }

  /**
   * The outcome for a candidate whose fetch failed after its retries (the route calls this only
   * with llm.pipeline.allow-partial): the message names the request and the failure, never the
   * patient.
   */
  public MappingOutcome unfetched(
      String patientId,
      @org.apache.camel.ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
    return new MappingOutcome.Unfetched(
        patientId, failure == null ? "unknown failure" : failure.getMessage());
  }

  /**
   * The cohort from the gathered outcomes (an empty cohort when there were no candidates). Two
   * candidates that are halves of one merged chart come back as the same surviving record: the
   * person is counted once, and the warnings of the duplicate are not counted again.
   */
  public Cohort toCohort(Object body) {
    if (body instanceof Outcomes outcomes) {
      for (MappingOutcome outcome : outcomes.byIndex) {
        if (outcome == null) {
          throw new IllegalStateException("a patient of the split has no outcome");
        }
      }
      return assemble(sourceUrl, outcomes.byIndex).withExportErrors(exportErrors.get());
    }
    return assemble(sourceUrl, List.of()).withExportErrors(exportErrors.get());
  }

  /**
   * The cohort of one source from outcomes in the order given (merged halves folded into the first
   * of their person).
   */
  public static Cohort assemble(String sourceUrl, List<MappingOutcome> outcomes) {
    List<CaseRecord> included = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    List<ResourceFinding> warnings = new ArrayList<>();
    List<MappingOutcome.Unfetched> unfetched = new ArrayList<>();
    Set<String> people = new HashSet<>();
    int merged = 0;
    for (MappingOutcome outcome : outcomes) {
      if (!(outcome instanceof MappingOutcome.Unfetched) && !people.add(patientId(outcome))) {
        merged++;
        continue;
      }
      warnings.addAll(outcome.warnings());
      if (outcome instanceof MappingOutcome.Included in) {
        included.add(in.record());
      } else if (outcome instanceof MappingOutcome.Excluded out) {
        excluded.add(out.exclusion());
      } else if (outcome instanceof MappingOutcome.Unfetched missing) {
        unfetched.add(missing);
      }
    }
    if (merged > 0) {
      log.info(
          "{} candidates were halves of merged charts already pulled; each person is counted once",
          merged);
    }
    return new Cohort(
        included,
        excluded,
        unfetched,
        warnings,
        merged,
        java.util.Collections.nCopies(included.size(), sourceUrl),
        java.util.Map.of());
  }

  private static String patientId(MappingOutcome outcome) {
    return outcome instanceof MappingOutcome.Included in
        ? in.record().patientId()
        : ((MappingOutcome.Excluded) outcome).exclusion().patientId();
  }
}
