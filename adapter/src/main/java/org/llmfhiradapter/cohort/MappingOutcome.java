package org.llmfhiradapter.cohort;

/** What mapping one patient gives: a case record, or an exclusion. */
public sealed interface MappingOutcome {

  record Included(CaseRecord record) implements MappingOutcome {}

  record Excluded(Exclusion exclusion) implements MappingOutcome {}
}
