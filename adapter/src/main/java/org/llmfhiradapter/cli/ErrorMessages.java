package org.llmfhiradapter.cli;

/** Turns an exception into the one line a user sees. */
final class ErrorMessages {

  private ErrorMessages() {}

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName() + " (set LLM_DEBUG=1 for the stack trace)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
