package org.llmfhiradapter.source.auth;

/**
 * The passphrase of an encrypted private key file, where it came from and how a user gives it (for
 * messages; never the value).
 *
 * @param source e.g. "env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD"; empty with no passphrase
 * @param howToGive e.g. "env LLM_SOURCE_AUTH_PRIVATE_KEY_PASSWORD or setting ..."
 */
public record KeyPassword(char[] value, String source, String howToGive) {

  /** No passphrase, for the source's key: the key file must be unencrypted. */
  public static final KeyPassword NONE = none(AuthConfig.SOURCE);

  /** No passphrase, for the key configured under {@code prefix} (e.g. {@code llm.source.auth}). */
  static KeyPassword none(String prefix) {
    return new KeyPassword(new char[0], "", howToGive(prefix));
  }

  static String howToGive(String prefix) {
    return "env "
        + org.llmfhiradapter.config.Settings.envName(prefix + ".private-key-password")
        + " or setting "
        + prefix
        + ".private-key-password-file (a file holding it)";
  }

  public boolean isEmpty() {
    return value.length == 0;
  }

  @Override
  public String toString() {
    return "KeyPassword[" + (isEmpty() ? "none" : "from " + source) + "]";
  }
}
