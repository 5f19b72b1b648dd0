package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * The copy of a resource that is validated: vendor codings (IMO, Cerner codeSets, Epic instance
 * OIDs) beside a standard one are left out of the coded elements our profiles bind. The data keeps
 * them; but HAPI's offline terminology check fails a required binding as soon as one coding's
 * system is unknown, even when another coding is in the ValueSet (docs/decisions.md). A concept
 * with only vendor codings is left as it is, so it still fails.
 */
final class ValidationView {

  private ValidationView() {}

  static Resource of(Resource resource, Set<String> knownSystems) {
    if (!(resource instanceof Condition
        || resource instanceof Procedure
        || resource instanceof Observation)) {
      return resource;
    }
    Resource copy = copy(resource);
    if (copy == null) {
      // Not even its JSON can be read back: the validator gets it as it is, and reports what it
      // can.
      return resource;
    }
    if (copy instanceof Condition condition) {
      keepKnown(condition.getCode(), knownSystems);
    } else if (copy instanceof Procedure procedure) {
      keepKnown(procedure.getCode(), knownSystems);
    } else if (copy instanceof Observation observation) {
      keepKnown(observation.getCode(), knownSystems);
      if (observation.getValue() instanceof CodeableConcept value) {
        keepKnown(value, knownSystems);
      }
    }
    return copy;
  }

  /**
   * A deep copy. HAPI's {@code copy()} re-parses every primitive and fails on a value the lenient
   * pull parser kept as written (a date 2001-02-30); such a resource is copied through its JSON
   * instead, value kept, so that the validator can report it; null when even that fails.
   */
  private static Resource copy(Resource resource) {
    try {
      return resource.copy();
    } catch (DataFormatException e) {
      try {
        IParser parser =
            FhirContext.forR4Cached()
                .newJsonParser()
                .setParserErrorHandler(
                    new LenientErrorHandler(false).setErrorOnInvalidValue(false));
        return (Resource) parser.parseResource(parser.encodeResourceToString(resource));
      } catch (RuntimeException unreadable) {
        return null;
      }
    }
  }

  private static boolean isKnown(Coding coding, Set<String> known) {
    return coding.getSystem() != null && known.contains(coding.getSystem());
  }

  private static void keepKnown(CodeableConcept concept, Set<String> known) {
    if (concept.getCoding().stream().anyMatch(c -> isKnown(c, known))) {
      concept.getCoding().removeIf(c -> !isKnown(c, known));
    }
  }
}
