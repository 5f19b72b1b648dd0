package org.llmfhiradapter.conformance;

/**
 * The part a resource plays in an LLM cohort record, found by the ValueSet its code belongs to. Each role
 * has a profile in {@code profiles/} with the same id stem.
 */
public enum ResourceRole {
  PRIMARY_LEIOMYOSARCOMA("Condition", "llm-primary-leiomyosarcoma-codes", "llm-primary-leiomyosarcoma"),
  LIVER_METASTASIS("Condition", "llm-liver-metastasis-codes", "llm-liver-metastasis"),
  RECURRENCE("Condition", "llm-recurrence-codes", "llm-recurrence"),
  PRIMARY_RESECTION("Procedure", "llm-primary-resection-codes", "llm-primary-resection"),
  HEPATIC_RESECTION("Procedure", "llm-hepatic-resection-codes", "llm-hepatic-resection"),
  LIVER_RFA("Procedure", "llm-liver-rfa-codes", "llm-liver-rfa"),
  CHEMOTHERAPY("Procedure", "llm-chemotherapy-codes", "llm-chemotherapy"),
  RESIDUAL_TUMOR("Observation", "llm-residual-tumor-observation-codes", "llm-residual-tumor"),
  TUMOR_SIZE("Observation", "llm-tumor-size-codes", "llm-tumor-size"),
  LESION_COUNT("Observation", "llm-lesion-count-codes", "llm-lesion-count"),
  DISEASE_STATUS("Observation", "llm-disease-status-codes", "llm-treatment-response");

  private final String resourceType;
  private final String valueSetId;
  private final String profileId;

  ResourceRole(String resourceType, String valueSetId, String profileId) {
    this.resourceType = resourceType;
    this.valueSetId = valueSetId;
    this.profileId = profileId;
  }

  public String resourceType() {
    return resourceType;
  }

  /** Id of the ValueSet in {@code profiles/} whose codes give a resource this role. */
  public String valueSetId() {
    return valueSetId;
  }

  /** Id of the StructureDefinition in {@code profiles/} a resource in this role must conform to. */
  public String profileId() {
    return profileId;
  }
}
