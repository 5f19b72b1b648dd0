package org.llmfhiradapter.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.llmfhiradapter.config.Settings;
import picocli.CommandLine.Option;

/** Options every job command shares: where the configuration comes from. */
final class SettingsOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file overriding the defaults (also: env LLM_CONFIG).")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting, e.g. --set llm.source.page-size=100 (repeatable; wins over env and file).")
  Map<String, String> overrides = new LinkedHashMap<>();

  Settings load() {
    return Settings.load(configFile, System.getenv(), overrides);
  }
}
