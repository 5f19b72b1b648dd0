package org.llmfhiradapter.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Exclusion;
import org.llmfhiradapter.cohort.MappingOutcome;
import org.llmfhiradapter.conformance.ResourceFinding;

/**
 * A patient's mapping outcome as the store keeps it: JSON of the case record or exclusion and the
 * validator's warnings, so that the whole cohort can be analysed again without fetching anyone.
 */
public final class StoredOutcomes {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // Outcomes written by an older adapter may lack a newer field, or carry one since
          // dropped.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The stored form: one of record, exclusion or unfetched reason is set. */
  record Stored(
      String status,
      CaseRecord record,
      Exclusion exclusion,
      String patientId,
      String unfetchedReason,
      List<ResourceFinding> warnings) {}

  private StoredOutcomes() {}

  /** included, excluded or unfetched. */
  public static String status(MappingOutcome outcome) {
    if (outcome instanceof MappingOutcome.Included) {
      return "included";
    }
    return outcome instanceof MappingOutcome.Excluded ? "excluded" : "unfetched";
  }

  public static String write(MappingOutcome outcome) {
    Stored stored;
    if (outcome instanceof MappingOutcome.Included in) {
      stored =
          new Stored("included", in.record(), null, in.record().patientId(), null, in.warnings());
    } else if (outcome instanceof MappingOutcome.Excluded out) {
      stored =
          new Stored(
              "excluded", null, out.exclusion(), out.exclusion().patientId(), null, out.warnings());
    } else {
      MappingOutcome.Unfetched missing = (MappingOutcome.Unfetched) outcome;
      stored =
          new Stored("unfetched", null, null, missing.patientId(), missing.reason(), List.of());
    }
    try {
      return JSON.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a mapping outcome could not be written as JSON", e);
    }
  }

  /**
   * @throws StoreException when the stored text is not an outcome (a hand-edited or damaged row)
   */
  public static MappingOutcome read(String json) {
    Stored stored;
    try {
      stored = JSON.readValue(json, Stored.class);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "A stored patient outcome cannot be read (" + e.getOriginalMessage() + ")", e);
    }
    List<ResourceFinding> warnings = stored.warnings() == null ? List.of() : stored.warnings();
    return switch (String.valueOf(stored.status())) {
      case "included" -> new MappingOutcome.Included(require(stored.record(), "record"), warnings);
      case "excluded" ->
          new MappingOutcome.Excluded(require(stored.exclusion(), "exclusion"), warnings);
      case "unfetched" ->
          new MappingOutcome.Unfetched(stored.patientId(), stored.unfetchedReason());
      default ->
          throw new StoreException("A stored patient outcome has status '" + stored.status() + "'");
    };
  }

  private static <T> T require(T value, String what) {
    if (value == null) {
      throw new StoreException("A stored patient outcome lacks its " + what);
    }
    return value;
  }
}
