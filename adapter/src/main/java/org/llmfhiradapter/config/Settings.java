package org.llmfhiradapter.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The adapter's configuration as plain key/values, layered: the documented defaults in the packaged
 * {@code application.properties}, then an optional file, then environment variables, then {@code
 * --set} overrides. Only keys that the defaults declare may be overridden, so a typo fails loudly
 * instead of being ignored.
 */
public final class Settings {

  /**
   * Prefix of the settings of one of several named sources: {@code llm.sources.<name>.<key of
   * llm.source>}.
   */
  public static final String SOURCES = "llm.sources.";

  /** Settings of Camel itself, passed through to camel-main. */
  static final String CAMEL = "camel.";

  private static final java.util.regex.Pattern SOURCE_NAME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  /** Environment variable naming an optional configuration file. */
  public static final String CONFIG_FILE_ENV = "LLM_CONFIG";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Defaults only. */
  public static Settings defaults() {
    return new Settings(loadDefaults());
  }

  /**
   * Builds the effective settings.
   *
   * @param configFile optional file overriding the defaults (null: {@link #CONFIG_FILE_ENV} if set)
   * @param env the process environment
   * @param overrides {@code --set} values, applied last
   * @throws ConfigException naming the file or key that is wrong
   */
  public static Settings load(
      Path configFile, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> values = loadDefaults();
    Path file = configFile;
    if (file == null && env.get(CONFIG_FILE_ENV) != null && !env.get(CONFIG_FILE_ENV).isBlank()) {
      file = Path.of(env.get(CONFIG_FILE_ENV));
    }
    if (file != null) {
      Map<String, String> fromFile = readFile(file);
      for (Map.Entry<String, String> e : fromFile.entrySet()) {
        requireKnown(values, e.getKey(), "in " + file);
        values.put(e.getKey(), e.getValue());
      }
    }
    for (String key : values.keySet().toArray(String[]::new)) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) {
        values.put(key, fromEnv);
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      requireKnown(values, e.getKey(), "given with --set");
      values.put(e.getKey(), e.getValue());
    }
    return new Settings(withNamedSources(values));
  }

  /**
   * Completes every named source ({@code llm.sources.<name>.*}) with the {@code llm.source.*}
   * values it does not set itself, so each has every key (a value common to all sources, such as
   * the retries, is set once).
   */
  private static Map<String, String> withNamedSources(Map<String, String> values) {
    Map<String, String> complete = new LinkedHashMap<>(values);
    for (String name : sourceNames(values)) {
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (e.getKey().startsWith("llm.source.")) {
          complete.putIfAbsent(
              SOURCES + name + "." + e.getKey().substring("llm.source.".length()), e.getValue());
        }
      }
    }
    return complete;
  }

  private static java.util.SortedSet<String> sourceNames(Map<String, String> values) {
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    for (String key : values.keySet()) {
      if (key.startsWith(SOURCES)) {
        names.add(key.substring(SOURCES.length(), key.indexOf('.', SOURCES.length())));
      }
    }
    return names;
  }

  /**
   * Names of the sources configured as {@code llm.sources.<name>.*}, sorted; empty when only
   * llm.source is.
   */
  public java.util.SortedSet<String> sourceNames() {
    return sourceNames(values);
  }

  /**
   * The environment variable that overrides {@code key}: {@code llm.source.base-url} → {@code
   * LLM_SOURCE_BASE_URL}.
   */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** A copy with one value replaced (the key must exist). */
  public Settings with(String key, String value) {
    requireKnown(values, key, "set by the program");
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new Settings(withNamedSources(copy));
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new ConfigException("Unknown setting '" + key + "'");
    }
    return value.trim();
  }

  public int getInt(String key) {
    String value = get(key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "Setting "
              + key
              + " must be a whole number, but is '"
              + value
              + "' (env "
              + envName(key)
              + ")");
    }
  }

  public boolean getBoolean(String key) {
    String value = get(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(
          "Setting " + key + " must be true or false, but is '" + value + "'");
    }
    return Boolean.parseBoolean(value);
  }

  /** All values, for handing to Camel as properties. */
  public Properties asProperties() {
    Properties properties = new Properties();
    properties.putAll(values);
    return properties;
  }

  public Map<String, String> asMap() {
    return values;
  }

  private static void requireKnown(Map<String, String> known, String key, String where) {
    if (key.startsWith(CAMEL)) {
      // Camel's own settings (camel.main.*, camel.component.*, ...) go to camel-main as given; it
      // checks them.
      return;
    }
    if (key.startsWith(SOURCES)) {
      String rest = key.substring(SOURCES.length());
      int dot = rest.indexOf('.');
      String name = dot < 0 ? rest : rest.substring(0, dot);
      if (dot < 0 || !SOURCE_NAME.matcher(name).matches()) {
        throw new ConfigException(
            "Setting '"
                + key
                + "' "
                + where
                + ": a source is configured as llm.sources.<name>.<key of llm.source>,"
                + " with a name of lower-case letters, digits and '-'");
      }
      if (!known.containsKey("llm.source." + rest.substring(dot + 1))) {
        throw new ConfigException(
            "Unknown setting '"
                + key
                + "' "
                + where
                + ": llm.source."
                + rest.substring(dot + 1)
                + " is no setting;"
                + " the settings are listed in application.properties");
      }
      return;
    }
    if (!known.containsKey(key)) {
      throw new ConfigException(
          "Unknown setting '"
              + key
              + "' "
              + where
              + "; the settings are listed in application.properties");
    }
  }

  private static Map<String, String> loadDefaults() {
    try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
      if (in == null) {
        throw new ConfigException("application.properties is missing from the classpath");
      }
      Properties properties = new Properties();
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      return toMap(properties);
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot read the packaged application.properties: " + e.getMessage());
    }
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file " + file + " does not exist");
    }
    Map<String, String> values;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(reader);
      values = toMap(properties);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
    }
    values.forEach(
        (key, value) -> {
          if (INLINE_COMMENT.matcher(value).find()) {
            throw new ConfigException(
                "In "
                    + file
                    + lineOf(file, key)
                    + ", "
                    + key
                    + " = '"
                    + value
                    + "' ends in what"
                    + " looks like a comment, but a properties file has no comments after a value: move it to a line of"
                    + " its own starting with #");
          }
        });
    return values;
  }

  /**
   * Blank then {@code #} inside a value: a comment meant to end the line, which properties files do
   * not have.
   */
  private static final java.util.regex.Pattern INLINE_COMMENT =
      java.util.regex.Pattern.compile("\\s#");

  /** " line N" for the line that sets {@code key}, or nothing when it cannot be told. */
  private static String lineOf(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      java.util.regex.Pattern setsKey =
          java.util.regex.Pattern.compile(
              "^\\s*" + java.util.regex.Pattern.quote(key) + "\\s*[=:\\s]");
      for (int i = 0; i < lines.size(); i++) {
        if (setsKey.matcher(lines.get(i)).find()) {
          return " line " + (i + 1);
        }
      }
    } catch (IOException e) {
      // The message still names the file and the key.
    }
    return "";
  }

  private static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }
}
