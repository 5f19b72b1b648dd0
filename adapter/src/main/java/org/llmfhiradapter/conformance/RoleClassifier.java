package org.llmfhiradapter.conformance;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Gives a (normalized) Condition, Procedure or Observation its role by ValueSet membership of its code.
 * The ValueSets are the explicit concept lists in {@code profiles/}; membership is exact on canonical system
 * and code, so any coding of the resource may match (vendor codings such as IMO sit beside standard ones).
 * The roles are tried in declaration order of {@link ResourceRole}; the first whose ValueSet holds a coding
 * wins.
 */
public final class RoleClassifier {

  private final Map<ResourceRole, Set<String>> codes;

  private RoleClassifier(Map<ResourceRole, Set<String>> codes) {
    this.codes = codes;
  }

  public static RoleClassifier from(ProfilePackage profiles) {
    Map<ResourceRole, Set<String>> codes = new EnumMap<>(ResourceRole.class);
    for (ResourceRole role : ResourceRole.values()) {
      ValueSet valueSet =
          profiles
              .valueSet(role.valueSetId())
              .orElseThrow(() -> new ConformanceException("ValueSet " + role.valueSetId() + " is missing from profiles/"));
      Set<String> members = new HashSet<>();
      for (ValueSet.ConceptSetComponent include : valueSet.getCompose().getInclude()) {
        String system = CodeNormalizer.canonicalSystem(include.getSystem());
        for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
          members.add(key(system, concept.getCode()));
        }
      }
      codes.put(role, Set.copyOf(members));
    }
    return new RoleClassifier(codes);
  }

  /** The resource's role, or empty when its code is in none of our ValueSets (it plays no part). */
  public Optional<ResourceRole> classify(Resource resource, CodeableConcept code) {
    for (ResourceRole role : ResourceRole.values()) {
      if (!role.resourceType().equals(resource.fhirType())) {
        continue;
      }
      if (contains(role, code)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** Whether any coding of {@code concept} is in the role's ValueSet. */
  public boolean contains(ResourceRole role, CodeableConcept concept) {
    if (concept == null) {
      return false;
    }
    for (Coding coding : concept.getCoding()) {
      if (coding.hasSystem() && coding.hasCode()
          && codes.get(role).contains(key(CodeNormalizer.canonicalSystem(coding.getSystem()), coding.getCode().trim()))) {
        return true;
      }
    }
    return false;
  }

  private static String key(String system, String code) {
    return system + "|" + code;
  }
}
