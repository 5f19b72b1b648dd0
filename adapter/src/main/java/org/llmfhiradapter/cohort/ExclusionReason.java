package org.llmfhiradapter.cohort;

/**
 * Why a pulled patient is not in the cohort. The {@link #code()} is what results.json counts by.
 */
public enum ExclusionReason {
  NO_LEIOMYOSARCOMA("no-leiomyosarcoma-diagnosis", "no leiomyosarcoma diagnosis"),
  NO_LIVER_METASTASIS("no-liver-metastasis", "no liver-metastasis diagnosis with a usable date"),
  NO_HEPATIC_RESECTION("no-hepatic-resection", "no hepatic resection for the liver metastases"),
  DEATH_DATE_UNKNOWN("death-date-unknown", "deceased without a date of death"),
  DEATH_BEFORE_INDEX("death-before-index", "death recorded before the hepatic resection"),
  NO_BIRTH_DATE("no-birth-date", "no birth date"),
  IMPLAUSIBLE_DATES(
      "implausible-dates",
      "dates that cannot all be true (birth after care, death before birth, age over 120)"),
  INDEX_AFTER_CUTOFF("index-after-cutoff", "hepatic resection after the data cut-off"),
  INVALID_RESOURCE("invalid-resource", "a resource fails its profile"),
  CONFLICTING_MARGINS(
      "conflicting-margins", "conflicting residual-tumor (R) results for the primary resection");

  private final String code;
  private final String label;

  ExclusionReason(String code, String label) {
    this.code = code;
    this.label = label;
  }

  public String code() {
    return code;
  }

  public String label() {
    return label;
  }
}
