package org.llmfhiradapter.cli;

/**
 * A command-line value that cannot be used (an option outside its choices, a column listed twice).
 */
final class BadInputException extends RuntimeException {
  BadInputException(String message) {
    super(message);
  }
}
