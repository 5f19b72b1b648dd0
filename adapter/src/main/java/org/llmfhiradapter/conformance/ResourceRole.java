package org.llmfhiradapter.conformance;

/**
 * The part a resource plays in an LLM cohort record. Each role has a profile in {@code profiles/};
 * the codes that give a resource the role are the ones that profile's {@code code} element allows
 * (its required ValueSet, or its fixed pattern).
 */
public enum ResourceRole {
  LIVER_METASTASIS("Condition", "llm-liver-metastasis"),
  PRIMARY_LEIOMYOSARCOMA("Condition", "llm-primary-leiomyosarcoma"),
  RECURRENCE("Condition", "llm-recurrence"),
  PRIMARY_RESECTION("Procedure", "llm-primary-resection"),
  HEPATIC_RESECTION("Procedure", "llm-hepatic-resection"),
  LIVER_RFA("Procedure", "llm-liver-rfa"),
  CHEMOTHERAPY("Procedure", "llm-chemotherapy"),
  RESIDUAL_TUMOR("Observation", "llm-residual-tumor"),
  TUMOR_SIZE("Observation", "llm-tumor-size"),
  LESION_COUNT("Observation", "llm-lesion-count"),
  DISEASE_STATUS("Observation", "llm-treatment-response");

  private final String resourceType;
  private final String profileId;

  ResourceRole(String resourceType, String profileId) {
    this.resourceType = resourceType;
    this.profileId = profileId;
  }

  public String resourceType() {
    return resourceType;
  }

  /** Id of the StructureDefinition in {@code profiles/} a resource in this role must conform to. */
  public String profileId() {
    return profileId;
  }

  public String profileUrl() {
    return ProfilePackage.CANONICAL + "/StructureDefinition/" + profileId;
  }
}
