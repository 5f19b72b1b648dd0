package org.llmfhiradapter.cli;

import org.llmfhiradapter.config.Settings;
import picocli.CommandLine.Option;

/**
 * Options of the commands that talk to real servers: where to pull from, and where to publish to.
 */
final class ServerOptions {

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description =
          "FHIR base URL of the source, e.g. http://127.0.0.1:8080/fhir (default: llm.source.base-url).")
  String baseUrl;

  @Option(
      names = "--publish-url",
      paramLabel = "URL",
      description =
          "FHIR base URL of the registry the results are written to (default: llm.publish.base-url;"
              + " empty: the source).")
  String publishUrl;

  /** The settings with the options given on the command line winning. */
  Settings applyTo(Settings settings) {
    if (baseUrl != null) {
      settings = settings.with("llm.source.base-url", baseUrl);
    }
    if (publishUrl != null) {
      settings = settings.with("llm.publish.base-url", publishUrl);
    }
    return settings;
  }
}
