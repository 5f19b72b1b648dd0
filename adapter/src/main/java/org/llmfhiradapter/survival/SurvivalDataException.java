package org.llmfhiradapter.survival;

/**
 * The data cannot give the requested estimate: a negative or infinite time, an event code other
 * than 0/1, no complete rows, no events for a Cox model. The message names the cause and, where
 * there is one, the row (0-based, in the order given) or column.
 */
public final class SurvivalDataException extends IllegalArgumentException {
  public SurvivalDataException(String message) {
    super(message);
  }
}
