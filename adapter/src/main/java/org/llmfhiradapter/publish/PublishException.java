package org.llmfhiradapter.publish;

/**
 * The results could not be written back or read back; nothing on the server was left half-written
 * by us.
 */
public final class PublishException extends RuntimeException {
  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }

  public PublishException(String message) {
    super(message);
  }
}
