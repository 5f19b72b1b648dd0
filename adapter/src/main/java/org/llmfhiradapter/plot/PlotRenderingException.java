package org.llmfhiradapter.plot;

/**
 * A plot that could not be turned into PNG or PDF on this machine; the message says what to install
 * or fix.
 */
public final class PlotRenderingException extends RuntimeException {

  PlotRenderingException(String message, Throwable cause) {
    super(message, cause);
  }
}
