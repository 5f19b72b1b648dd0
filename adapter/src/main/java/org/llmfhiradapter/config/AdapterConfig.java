package org.llmfhiradapter.config;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * The typed view of {@link Settings}. Defaults and documentation of every value live in the packaged
 * {@code application.properties}; this class only parses and checks them.
 *
 * @param source the FHIR server pulled from
 * @param pipeline how the pull → map → analyze → publish job runs
 * @param publish what is written back to the server
 * @param sandbox the embedded FHIR server
 */
public record AdapterConfig(Source source, Pipeline pipeline, Publish publish, Sandbox sandbox) {

  /**
   * @param baseUrl FHIR base URL (empty until {@code run --base-url} or {@code demo} sets it)
   * @param candidateCodes Condition codes ({@code system|code}) whose subjects are the candidate patients
   * @param pageSize {@code _count} asked for on every search
   * @param connectTimeout HTTP connect timeout
   * @param readTimeout HTTP read (socket) timeout
   */
  public record Source(
      String baseUrl, List<String> candidateCodes, int pageSize, Duration connectTimeout, Duration readTimeout) {}

  /**
   * @param concurrency patients fetched and mapped at the same time
   * @param dataCutoff the data cut-off date stamped on the report
   * @param routes folder of the Camel YAML routes
   */
  public record Pipeline(int concurrency, LocalDate dataCutoff, String routes) {}

  /**
   * @param enabled write the MeasureReport back to the server
   * @param measureUrl canonical URL of the Measure the reports refer to
   * @param identifierSystem system of the report's stable identifier
   * @param cohortName cohort name, part of the report identifier
   */
  public record Publish(boolean enabled, String measureUrl, String identifierSystem, String cohortName) {}

  /**
   * @param port loopback port of the embedded server (0: any free port)
   * @param fixtures folder of fixture files it is seeded with
   * @param flavor how case tables are rendered to FHIR: mcode, epic or cerner
   */
  public record Sandbox(int port, String fixtures, String flavor) {}

  public static AdapterConfig from(Settings s) {
    return from(s, Clock.systemUTC());
  }

  static AdapterConfig from(Settings s, Clock clock) {
    Source source =
        new Source(
            s.get("llm.source.base-url"),
            csv(s.get("llm.source.candidate-codes")),
            positive(s, "llm.source.page-size"),
            Duration.ofSeconds(positive(s, "llm.source.connect-timeout-seconds")),
            Duration.ofSeconds(positive(s, "llm.source.read-timeout-seconds")));
    Pipeline pipeline =
        new Pipeline(
            positive(s, "llm.pipeline.concurrency"),
            date(s, "llm.pipeline.data-cutoff", clock),
            s.get("llm.pipeline.routes"));
    Publish publish =
        new Publish(
            s.getBoolean("llm.publish.enabled"),
            s.get("llm.publish.measure-url"),
            s.get("llm.publish.identifier-system"),
            s.get("llm.publish.cohort-name"));
    int port = s.getInt("llm.sandbox.port");
    if (port < 0 || port > 65535) {
      throw new ConfigException("Setting llm.sandbox.port must be between 0 and 65535, but is " + port);
    }
    String flavor = s.get("llm.sandbox.flavor");
    if (!List.of("mcode", "epic", "cerner").contains(flavor)) {
      throw new ConfigException("Setting llm.sandbox.flavor must be mcode, epic or cerner, but is '" + flavor + "'");
    }
    Sandbox sandbox = new Sandbox(port, s.get("llm.sandbox.fixtures"), flavor);
    for (String code : source.candidateCodes()) {
      if (!code.contains("|") || code.startsWith("|") || code.endsWith("|")) {
        throw new ConfigException(
            "Setting llm.source.candidate-codes must list system|code pairs, but has '" + code + "'");
      }
    }
    return new AdapterConfig(source, pipeline, publish, sandbox);
  }

  private static List<String> csv(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static int positive(Settings s, String key) {
    int value = s.getInt(key);
    if (value <= 0) {
      throw new ConfigException("Setting " + key + " must be greater than 0, but is " + value);
    }
    return value;
  }

  private static LocalDate date(Settings s, String key, Clock clock) {
    String value = s.get(key);
    if (value.isEmpty()) {
      return LocalDate.now(clock);
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException("Setting " + key + " must be a date like 2026-01-31, but is '" + value + "'");
    }
  }
}
