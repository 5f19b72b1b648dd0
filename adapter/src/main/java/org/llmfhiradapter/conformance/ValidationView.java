package org.llmfhiradapter.conformance;

import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * The copy of a resource that is validated: vendor codings (IMO, Cerner codeSets, Epic instance OIDs) beside
 * a standard one are left out of the coded elements our profiles bind. The data keeps them; but HAPI's offline
 * terminology check fails a required binding as soon as one coding's system is unknown, even when another
 * coding is in the ValueSet (docs/decisions.md). A concept with only vendor codings is left as it is, so it
 * still fails.
 */
final class ValidationView {

  private ValidationView() {}

  static Resource of(Resource resource, Set<String> knownSystems) {
    if (!(resource instanceof Condition || resource instanceof Procedure || resource instanceof Observation)) {
      return resource;
    }
    Resource copy = resource.copy();
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

  private static void keepKnown(CodeableConcept concept, Set<String> known) {
    if (concept.getCoding().stream().anyMatch(c -> known.contains(c.getSystem()))) {
      concept.getCoding().removeIf(c -> !known.contains(c.getSystem()));
    }
  }
}
