package org.llmfhiradapter.conformance;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Gives a (normalized) Condition, Procedure or Observation its role by the codes each role's
 * profile allows on {@code code}: the explicit concepts of its required ValueSet, or its fixed
 * pattern. Membership is exact on canonical system and code, and any coding of the resource may
 * match (vendor codings such as IMO sit beside standard ones). Roles are tried in {@link
 * ResourceRole} order, so a liver-metastasis code is a liver metastasis before it is a recurrence
 * (the mapper tells the first from later ones by date), and a primary-site code on a Condition
 * whose clinicalStatus is recurrence or relapse is a local recurrence, not the primary diagnosis.
 *
 * <p>A primary is a leiomyosarcoma by its histology when the chart gives one (the histology
 * extension, ICD-O-3 8890/3-8896/3), else by its site: the soft-tissue, retroperitoneal and uterine
 * codes count on their own, while a site where leiomyosarcoma is rare (ValueSet {@code
 * llm-primary-histology-required-codes}: digestive tract, genitourinary organs, the generic SNOMED
 * CT cancer code) counts only with that histology. A primary-coded Condition that is not a
 * leiomyosarcoma plays no part (another cancer of the same patient).
 */
public final class RoleClassifier {

  /** The mCODE-style histology (morphology/behavior) extension on a primary Condition. */
  public static final String HISTOLOGY_EXTENSION =
      ProfilePackage.CANONICAL + "/StructureDefinition/llm-histology-morphology-behavior";

  static final String HISTOLOGY_CODES = "llm-histology-codes";
  static final String HISTOLOGY_REQUIRED_CODES = "llm-primary-histology-required-codes";

  private final Map<ResourceRole, Set<String>> codes;
  private final Map<String, Set<String>> valueSets;
  private final Set<String> systems;

  private RoleClassifier(Map<ResourceRole, Set<String>> codes, Map<String, Set<String>> valueSets) {
    this.codes = codes;
    this.valueSets = valueSets;
    Set<String> systems = new HashSet<>();
    valueSets
        .values()
        .forEach(members -> members.forEach(m -> systems.add(m.substring(0, m.lastIndexOf('|')))));
    this.systems = Set.copyOf(systems);
  }

  /** The codes ({@code system|code}) that give a resource this role, sorted. */
  public java.util.List<String> codes(ResourceRole role) {
    return codes.get(role).stream().sorted().toList();
  }

  /**
   * {@code system|code} of every Observation code that plays a role: what Epic's Observation
   * searches and a bulk export's {@code _typeFilter} ask for.
   */
  public java.util.List<String> observationCodes() {
    java.util.List<String> codes = new java.util.ArrayList<>();
    for (ResourceRole role : ResourceRole.values()) {
      if (role.resourceType().equals("Observation")) {
        codes.addAll(codes(role));
      }
    }
    return codes;
  }

  /** The code systems our ValueSets draw on (SNOMED CT, ICD-10-CM, CPT, LOINC, ICD-O-3, ours). */
  public Set<String> knownSystems() {
    return systems;
  }

  public static RoleClassifier from(ProfilePackage profiles) {
    Map<ResourceRole, Set<String>> codes = new EnumMap<>(ResourceRole.class);
    for (ResourceRole role : ResourceRole.values()) {
      StructureDefinition profile =
          profiles
              .profile(role.profileId())
              .orElseThrow(
                  () ->
                      new ConformanceException(
                          "Profile " + role.profileId() + " is missing from profiles/"));
      codes.put(role, Set.copyOf(allowedCodes(profiles, profile, role.resourceType() + ".code")));
    }
    Map<String, Set<String>> valueSets = new java.util.HashMap<>();
    for (org.hl7.fhir.r4.model.Resource resource : profiles.resources()) {
      if (resource instanceof ValueSet valueSet) {
        valueSets.put(valueSet.getIdElement().getIdPart(), Set.copyOf(members(valueSet)));
      }
    }
    return new RoleClassifier(codes, Map.copyOf(valueSets));
  }

  private static Set<String> members(ValueSet valueSet) {
    Set<String> members = new HashSet<>();
    for (ValueSet.ConceptSetComponent include : valueSet.getCompose().getInclude()) {
      String system = CodeNormalizer.canonicalSystem(include.getSystem());
      for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
        members.add(key(system, concept.getCode()));
      }
    }
    return members;
  }

  /**
   * Whether any coding of {@code concept} is in the package's ValueSet with this id (explicit
   * concepts).
   */
  public boolean inValueSet(String valueSetId, java.util.List<CodeableConcept> concepts) {
    return concepts.stream().anyMatch(c -> inValueSet(valueSetId, c));
  }

  /**
   * Whether any coding of {@code concept} is in the package's ValueSet with this id (explicit
   * concepts).
   */
  public boolean inValueSet(String valueSetId, CodeableConcept concept) {
    Set<String> members = valueSets.get(valueSetId);
    if (members == null) {
      throw new ConformanceException("ValueSet " + valueSetId + " is not in profiles/");
    }
    return concept != null
        && concept.getCoding().stream()
            .anyMatch(
                c ->
                    c.hasSystem()
                        && c.hasCode()
                        && members.contains(
                            key(
                                CodeNormalizer.canonicalSystem(c.getSystem()),
                                c.getCode().trim())));
  }

  private static Set<String> allowedCodes(
      ProfilePackage profiles, StructureDefinition profile, String path) {
    Set<String> members = new HashSet<>();
    for (ElementDefinition element : profile.getDifferential().getElement()) {
      if (!path.equals(element.getPath())) {
        continue;
      }
      if (element.getPattern() instanceof CodeableConcept pattern) {
        for (Coding coding : pattern.getCoding()) {
          members.add(key(CodeNormalizer.canonicalSystem(coding.getSystem()), coding.getCode()));
        }
      }
      if (element.hasBinding() && element.getBinding().hasValueSet()) {
        String url = element.getBinding().getValueSet();
        ValueSet valueSet =
            profiles
                .valueSetByUrl(url)
                .orElseThrow(
                    () ->
                        new ConformanceException(
                            profile.getId() + " binds " + url + ", which is not in profiles/"));
        members.addAll(members(valueSet));
      }
    }
    if (members.isEmpty()) {
      throw new ConformanceException(profile.getId() + " allows no explicit codes on " + path);
    }
    return members;
  }

  /**
   * The resource's role, or empty when it plays no part: its code is in none of our profiles, or it
   * is a primary cancer that is not a leiomyosarcoma (see the class comment).
   */
  public Optional<ResourceRole> classify(Resource resource, CodeableConcept code) {
    Optional<ResourceRole> role = roleByCode(resource, code);
    if (role.isPresent()
        && role.get() == ResourceRole.PRIMARY_LEIOMYOSARCOMA
        && !isLeiomyosarcoma((Condition) resource)) {
      return Optional.empty();
    }
    return role;
  }

  /**
   * The role the resource's code alone claims, histology aside: the profile a single resource is
   * checked against when no chart is around it (the validate command).
   */
  public Optional<ResourceRole> roleByCode(Resource resource, CodeableConcept code) {
    for (ResourceRole role : ResourceRole.values()) {
      if (!role.resourceType().equals(resource.fhirType()) || !contains(role, code)) {
        continue;
      }
      if (role == ResourceRole.PRIMARY_LEIOMYOSARCOMA
          && resource instanceof Condition condition
          && isRecurrence(condition)) {
        continue;
      }
      return Optional.of(role);
    }
    return Optional.empty();
  }

  /**
   * Whether a Condition with a primary code is a leiomyosarcoma: its histology says so, or, without
   * histology, it is coded by a site where leiomyosarcoma is the sarcoma expected.
   */
  public boolean isLeiomyosarcoma(Condition condition) {
    Optional<CodeableConcept> histology = histology(condition);
    if (histology.isPresent()) {
      return inValueSet(HISTOLOGY_CODES, histology.get());
    }
    return !needsHistology(condition.getCode());
  }

  /** The histology the Condition's histology extension gives, if it has one. */
  public static Optional<CodeableConcept> histology(Condition condition) {
    Extension extension = condition.getExtensionByUrl(HISTOLOGY_EXTENSION);
    if (extension == null) {
      return Optional.empty();
    }
    if (extension.getValue() instanceof CodeableConcept concept) {
      return Optional.of(concept);
    }
    if (extension.getValue() instanceof Coding coding) {
      return Optional.of(new CodeableConcept(coding));
    }
    return Optional.of(new CodeableConcept());
  }

  /**
   * Whether a primary code counts only with a leiomyosarcoma histology: none of its primary codings
   * is a site that counts on its own.
   */
  public boolean needsHistology(CodeableConcept code) {
    Set<String> primary = codes.get(ResourceRole.PRIMARY_LEIOMYOSARCOMA);
    Set<String> needing = valueSets.getOrDefault(HISTOLOGY_REQUIRED_CODES, Set.of());
    for (Coding coding : code.getCoding()) {
      if (coding.hasSystem() && coding.hasCode()) {
        String key =
            key(CodeNormalizer.canonicalSystem(coding.getSystem()), coding.getCode().trim());
        if (primary.contains(key) && !needing.contains(key)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether any coding of {@code concept} is allowed by the role's profile. */
  public boolean contains(ResourceRole role, CodeableConcept concept) {
    if (concept == null) {
      return false;
    }
    for (Coding coding : concept.getCoding()) {
      if (coding.hasSystem()
          && coding.hasCode()
          && codes
              .get(role)
              .contains(
                  key(
                      CodeNormalizer.canonicalSystem(coding.getSystem()),
                      coding.getCode().trim()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the chart marks the Condition as a recurrence: clinicalStatus recurrence or relapse.
   */
  public static boolean isRecurrence(Condition condition) {
    for (Coding coding : condition.getClinicalStatus().getCoding()) {
      if ("recurrence".equals(coding.getCode()) || "relapse".equals(coding.getCode())) {
        return true;
      }
    }
    return false;
  }

  private static String key(String system, String code) {
    return system + "|" + code;
  }
}
