package org.llmfhiradapter.analysis;

import java.util.List;
import java.util.function.Function;
import org.llmfhiradapter.cohort.CaseRecord;

/**
 * The factors the abstract compares survival by, with their levels in display order. Codes match
 * the CodeSystem llm-cohort-factor in profiles/.
 */
public enum StudyFactor {
  PRIMARY_R0("primary_r0", "R0 margin at the primary resection", yesNo(CaseRecord::primaryR0)),
  PRIMARY_RESECTION_TO_LLM_GE_12(
      "primary_resection_to_llm_ge_12",
      "LLM 12 months or more after the primary resection",
      yesNo(CaseRecord::primaryResectionToLlmGe12)),
  LARGEST_LLM_LT_5CM(
      "largest_llm_lt_5cm", "Largest LLM under 5 cm", yesNo(CaseRecord::largestLlmLt5cm)),
  RFA("rfa", "Radiofrequency ablation with the resection", yesNo(CaseRecord::rfa)),
  CHEMO_RESPONSE(
      "chemo_response",
      "Response to neoadjuvant chemotherapy",
      CaseRecord::chemoResponse,
      "responded",
      "stable",
      "progressed"),
  RECURRENCE_PATTERN(
      "recurrence_pattern",
      "Pattern of the first recurrence",
      CaseRecord::recurrencePattern,
      "none",
      "lung-only",
      "liver-only",
      "liver-and-other",
      "other-without-liver");

  private final String code;
  private final String label;
  private final Function<CaseRecord, String> level;
  private final List<String> levels;

  StudyFactor(String code, String label, Function<CaseRecord, String> level, String... levels) {
    this.code = code;
    this.label = label;
    this.level = level;
    this.levels = levels.length == 0 ? List.of("yes", "no") : List.of(levels);
  }

  /** The factor with this code, if there is one. */
  public static java.util.Optional<StudyFactor> byCode(String code) {
    for (StudyFactor factor : values()) {
      if (factor.code.equals(code)) {
        return java.util.Optional.of(factor);
      }
    }
    return java.util.Optional.empty();
  }

  public String code() {
    return code;
  }

  public String label() {
    return label;
  }

  /**
   * Whether the factor concerns this patient at all: the response only those given neoadjuvant
   * chemotherapy.
   */
  public boolean appliesTo(CaseRecord record) {
    return this != CHEMO_RESPONSE || Boolean.TRUE.equals(record.neoadjuvantChemo());
  }

  /** The patient's level, or null when unknown. */
  public String levelOf(CaseRecord record) {
    return level.apply(record);
  }

  public List<String> levels() {
    return levels;
  }

  /** How a level reads in a figure or a table: "R0" and "R1/R2" rather than "yes" and "no". */
  public String displayLevel(String level) {
    return switch (this) {
      case PRIMARY_R0 -> level.equals("yes") ? "R0" : level.equals("no") ? "R1/R2" : level;
      case PRIMARY_RESECTION_TO_LLM_GE_12 ->
          level.equals("yes") ? "\u2265 12 months" : level.equals("no") ? "< 12 months" : level;
      case LARGEST_LLM_LT_5CM ->
          level.equals("yes") ? "< 5 cm" : level.equals("no") ? "\u2265 5 cm" : level;
      case RFA -> level.equals("yes") ? "RFA" : level.equals("no") ? "No RFA" : level;
      case CHEMO_RESPONSE, RECURRENCE_PATTERN ->
          level.equals("none")
              ? "No recurrence"
              : level.isEmpty()
                  ? level
                  : Character.toUpperCase(level.charAt(0)) + level.substring(1).replace('-', ' ');
    };
  }

  private static Function<CaseRecord, String> yesNo(Function<CaseRecord, Boolean> value) {
    return record -> {
      Boolean v = value.apply(record);
      return v == null ? null : v ? "yes" : "no";
    };
  }
}
