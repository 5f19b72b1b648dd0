package org.llmfhiradapter.cohort;

import java.util.List;
import org.llmfhiradapter.conformance.ResourceFinding;

/**
 * What mapping one patient gives: a case record or an exclusion, with the validator's warnings on
 * the patient's resources (the run's data-quality list).
 */
public sealed interface MappingOutcome {

  List<ResourceFinding> warnings();

  MappingOutcome withWarnings(List<ResourceFinding> warnings);

  record Included(CaseRecord record, List<ResourceFinding> warnings) implements MappingOutcome {
    public Included {
      warnings = List.copyOf(warnings);
    }

    @Override
    public MappingOutcome withWarnings(List<ResourceFinding> more) {
      return new Included(record, more);
    }
  }

  /**
   * A candidate whose record could not be fetched even after the retries; only with
   * --allow-partial, else the run fails.
   *
   * @param reason the last failure, without patient data
   */
  record Unfetched(String patientId, String reason) implements MappingOutcome {
    @Override
    public List<ResourceFinding> warnings() {
      return List.of();
    }

    @Override
    public MappingOutcome withWarnings(List<ResourceFinding> more) {
      return this;
    }
  }

  record Excluded(Exclusion exclusion, List<ResourceFinding> warnings) implements MappingOutcome {
    public Excluded {
      warnings = List.copyOf(warnings);
    }

    @Override
    public MappingOutcome withWarnings(List<ResourceFinding> more) {
      return new Excluded(exclusion, more);
    }
  }
}
