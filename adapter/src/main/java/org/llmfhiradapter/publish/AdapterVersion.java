package org.llmfhiradapter.publish;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The adapter's version, as the build wrote it into {@code llm-fhir-adapter-version.properties}
 * (the same whether the classes run from the jar or from a folder, unlike the jar manifest's).
 */
public final class AdapterVersion {

  /** What a build without the version resource calls itself. */
  public static final String DEVELOPMENT = "development-build";

  private static final String VERSION = read();

  private AdapterVersion() {}

  public static String current() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in =
        AdapterVersion.class.getResourceAsStream("/llm-fhir-adapter-version.properties")) {
      if (in == null) {
        return DEVELOPMENT;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").strip();
      return version.isEmpty() || version.startsWith("${") ? DEVELOPMENT : version;
    } catch (IOException e) {
      return DEVELOPMENT;
    }
  }
}
