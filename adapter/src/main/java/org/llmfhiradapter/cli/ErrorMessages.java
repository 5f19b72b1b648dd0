package org.llmfhiradapter.cli;

/** Turns an exception into the one line a user sees. */
final class ErrorMessages {

  private ErrorMessages() {}

  static String oneLine(Throwable e) {
    OutOfMemoryError outOfMemory = outOfMemoryIn(e);
    if (outOfMemory != null) {
      return outOfMemory(outOfMemory, Runtime.getRuntime().maxMemory());
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName() + " (set LLM_DEBUG=1 for the stack trace)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * A heap too small for the run is a setting to change, not a fault to debug: Camel's wrapper
   * ("Exception occurred during execution on the exchange") would hide it.
   */
  static String outOfMemory(OutOfMemoryError e, long maxHeapBytes) {
    return "out of memory ("
        + (e.getMessage() == null ? "no detail" : e.getMessage())
        + ") with a heap of at most "
        + maxHeapBytes / (1024 * 1024)
        + " MB: give the JVM more, e.g. JAVA_OPTS=-Xmx2g with the launcher, or java -Xmx2g -jar"
        + " llm-fhir-adapter.jar";
  }

  /** The OutOfMemoryError somewhere in the chain of causes, or null. */
  static OutOfMemoryError outOfMemoryIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError error) {
        return error;
      }
    }
    return null;
  }
}
