package org.llmfhiradapter.config;

/** A configuration value is missing or malformed; the message names the key and how to set it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
