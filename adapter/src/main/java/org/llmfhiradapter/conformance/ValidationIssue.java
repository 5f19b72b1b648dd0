package org.llmfhiradapter.conformance;

/**
 * One finding of the validator.
 *
 * @param severity ERROR, WARNING or INFORMATION
 * @param location FHIRPath of the element, e.g. {@code Condition.onset[x]}
 * @param message what is wrong, as the HAPI validator words it
 * @param rule the profile's constraint key (e.g. {@code llm-hep-1}) when a constraint failed, else
 *     the validator's message id (e.g. {@code Validation_VAL_Profile_Minimum})
 */
public record ValidationIssue(Severity severity, String location, String message, String rule) {

  public enum Severity {
    ERROR,
    WARNING,
    INFORMATION
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** One line: {@code ERROR Condition.onset[x]: message [rule]}. */
  public String describe() {
    return severity + " " + location + ": " + message + (rule == null ? "" : " [" + rule + "]");
  }
}
