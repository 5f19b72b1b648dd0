package org.llmfhiradapter.conformance;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Warnings that every payload of some source raises and that say nothing about whether a chart can
 * be used: counted in the hundreds, they would bury the few findings in {@code data_quality} that
 * matter. Only warnings are ever left out, each for a stated reason, and only where they arise
 * (rule and element); an error is never routine.
 */
public final class RoutineWarnings {

  /**
   * One kind of routine warning.
   *
   * @param rule the validator's message id or constraint key
   * @param location FHIRPath of the elements it is routine on (a pattern; {@code .*} for anywhere)
   * @param reason why it says nothing about the data's fitness for the study
   */
  record Kind(String rule, Pattern location, String reason) {
    Kind(String rule, String location, String reason) {
      this(rule, Pattern.compile(location), reason);
    }

    boolean matches(ValidationIssue issue) {
      return rule.equals(issue.rule())
          && issue.location() != null
          && location.matcher(issue.location()).matches();
    }
  }

  static final List<Kind> KINDS =
      List.of(
          new Kind(
              "dom-6",
              ".*",
              "EHR payloads rarely carry narrative; the adapter reads the coded data"),
          new Kind(
              "All_observations_should_have_a_performer",
              ".*",
              "best-practice advice; the study does not use it"),
          new Kind(
              "Terminology_PassThrough_TX_Message",
              ".*",
              "SNOMED CT, LOINC, ICD-10-CM and CPT cannot be looked up offline; membership in our ValueSets is still"
                  + " checked"),
          new Kind(
              "All_observations_should_have_an_effectiveDateTime_or_an_effectivePeriod",
              "Observation",
              "Epic dates some Observations by issued only; our profiles allow that (llm-obs-2) and the adapter reads"
                  + " issued then"),
          new Kind(
              "Terminology_TX_NoValid_2_CC",
              "Condition\\.category(\\[\\d+\\])?",
              "Epic adds an instance-specific category coding (urn:oid:1.2.840.114350...) beside the standard one;"
                  + " Cerner adds its codeSet codings; the study does not read the category beyond the standard codes"),
          new Kind(
              "Terminology_TX_Code_ValueSet_Ext",
              "Patient\\.identifier(\\[\\d+\\])?\\.type",
              "Epic tells identifiers apart by type.text only; the adapter uses no identifier"),
          new Kind(
              "TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS",
              "Observation\\.value(\\.ofType\\(Quantity\\))?",
              "vendors send counts in the UCUM unit {#} (\"number\"); the lesion count reads the value, never the"
                  + " unit, and tumor sizes must be cm or mm (llm-size-1) whatever the annotation"));

  /** The rules of {@link #KINDS}, for checks that no such warning reached a report. */
  public static final Set<String> KIND_RULES =
      KINDS.stream().map(Kind::rule).collect(Collectors.toUnmodifiableSet());

  private RoutineWarnings() {}

  /** Whether an issue is a routine warning (see {@link #KINDS}). */
  public static boolean isRoutine(ValidationIssue issue) {
    return !issue.isError() && KINDS.stream().anyMatch(kind -> kind.matches(issue));
  }
}
