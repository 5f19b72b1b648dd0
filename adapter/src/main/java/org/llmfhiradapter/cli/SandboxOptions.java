package org.llmfhiradapter.cli;

import java.nio.file.Path;
import org.llmfhiradapter.config.Settings;
import picocli.CommandLine.Option;

/**
 * Options of the commands that start the embedded server: what it is seeded with and how it
 * behaves.
 */
final class SandboxOptions {

  @Option(
      names = "--fixtures",
      paramLabel = "DIR",
      description =
          "Folder of case tables (*.csv) and Bundles (*.json) to seed (default: llm.sandbox.fixtures).")
  Path fixtures;

  @Option(
      names = "--flavor",
      paramLabel = "mcode|epic|cerner",
      description = "Render case tables the way this EHR sends FHIR (default: llm.sandbox.flavor).")
  String flavor;

  @Option(
      names = "--personality",
      paramLabel = "none|epic|cerner",
      description =
          "Make the server's API behave like this EHR's (default: llm.sandbox.personality).")
  String personality;

  /** The settings with the options given on the command line winning. */
  Settings applyTo(Settings settings) {
    if (fixtures != null) {
      settings = settings.with("llm.sandbox.fixtures", fixtures.toString());
    }
    if (flavor != null) {
      settings = settings.with("llm.sandbox.flavor", flavor);
    }
    if (personality != null) {
      settings = settings.with("llm.sandbox.personality", personality);
    }
    return settings;
  }
}
