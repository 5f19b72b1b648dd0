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
   * @param vendor whose FHIR API it is: generic, epic or cerner
   * @param patients who the candidates are: empty (Condition search by code), {@code file:PATH} or
   *     {@code group:ID}
   * @param candidateCodes Condition codes ({@code system|code}) whose subjects are the candidate patients
   * @param pageSize {@code _count} asked for on every search
   * @param connectTimeout HTTP connect timeout
   * @param readTimeout HTTP read (socket) timeout
   * @param retry how transient failures are retried
   */
  public record Source(
      String baseUrl,
      String vendor,
      String patients,
      List<String> candidateCodes,
      int pageSize,
      Duration connectTimeout,
      Duration readTimeout,
      Retry retry) {

    /** A source with defaults for everything but the server (tests, benchmarks). */
    public static Source of(String baseUrl, int pageSize) {
      Source defaults = AdapterConfig.from(Settings.defaults()).source();
      return new Source(baseUrl, "generic", "", defaults.candidateCodes(), pageSize, defaults.connectTimeout(),
          defaults.readTimeout(), defaults.retry());
    }

    public Source withBaseUrl(String url) {
      return new Source(url, vendor, patients, candidateCodes, pageSize, connectTimeout, readTimeout, retry);
    }
  }

  /**
   * @param maxAttempts attempts in all, the first included
   * @param initialWait wait before the second attempt; doubles with each further one (with jitter)
   * @param maxWait longest wait between two attempts, unless the server's Retry-After asks for more
   * @param budget total time a request may take with its retries
   */
  public record Retry(int maxAttempts, Duration initialWait, Duration maxWait, Duration budget) {}

  /**
   * @param concurrency patients fetched and mapped at the same time
   * @param dataCutoff the data cut-off date stamped on the report
   * @param routes folder of the Camel YAML routes
   * @param allowPartial go on without patients that cannot be fetched (listed as unfetched)
   * @param progressEvery how often the pull's progress is logged
   */
  public record Pipeline(
      int concurrency, LocalDate dataCutoff, String routes, boolean allowPartial, Duration progressEvery) {}

  /**
   * @param enabled write the MeasureReport back to the server
   * @param measureUrl canonical URL of the Measure the reports refer to
   * @param identifierSystem system of the report's stable identifier
   * @param cohortName cohort name, part of the report identifier
   * @param studyStart start of the study period the report covers, a year ({@code 1999}) or a day; empty: the
   *     year of the first resection (never its day, which is one patient's surgery)
   */
  public record Publish(
      boolean enabled, String measureUrl, String identifierSystem, String cohortName, String studyStart) {}

  /**
   * @param port loopback port of the embedded server (0: any free port)
   * @param fixtures folder of fixture files it is seeded with
   * @param flavor how case tables are rendered to FHIR: mcode, epic or cerner
   * @param personality how its API behaves: none, epic or cerner
   */
  public record Sandbox(int port, String fixtures, String flavor, String personality) {}

  public static AdapterConfig from(Settings s) {
    return from(s, Clock.systemUTC());
  }

  static AdapterConfig from(Settings s, Clock clock) {
    String vendor = s.get("llm.source.vendor");
    if (!List.of("generic", "epic", "cerner").contains(vendor)) {
      throw new ConfigException("Setting llm.source.vendor must be generic, epic or cerner, but is '" + vendor + "'");
    }
    String patients = s.get("llm.source.patients");
    if (!patients.isEmpty() && !patients.startsWith("file:") && !patients.startsWith("group:")) {
      throw new ConfigException(
          "Setting llm.source.patients must be empty, file:PATH or group:ID, but is '" + patients + "'");
    }
    if (patients.isEmpty() && !vendor.equals("generic")) {
      throw new ConfigException(
          "llm.source.vendor=" + vendor + " requires `patient` on every search, so the candidates cannot be found by"
              + " a Condition search: set llm.source.patients to file:PATH (Patient ids) or group:ID (a FHIR Group)");
    }
    Retry retry =
        new Retry(
            positive(s, "llm.source.retry.max-attempts"),
            Duration.ofMillis(positive(s, "llm.source.retry.initial-wait-ms")),
            Duration.ofSeconds(positive(s, "llm.source.retry.max-wait-seconds")),
            Duration.ofSeconds(positive(s, "llm.source.retry.budget-seconds")));
    Source source =
        new Source(
            s.get("llm.source.base-url"),
            vendor,
            patients,
            csv(s.get("llm.source.candidate-codes")),
            positive(s, "llm.source.page-size"),
            Duration.ofSeconds(positive(s, "llm.source.connect-timeout-seconds")),
            Duration.ofSeconds(positive(s, "llm.source.read-timeout-seconds")),
            retry);
    Pipeline pipeline =
        new Pipeline(
            positive(s, "llm.pipeline.concurrency"),
            date(s, "llm.pipeline.data-cutoff", clock),
            s.get("llm.pipeline.routes"),
            s.getBoolean("llm.pipeline.allow-partial"),
            Duration.ofSeconds(positive(s, "llm.pipeline.progress-seconds")));
    Publish publish =
        new Publish(
            s.getBoolean("llm.publish.enabled"),
            s.get("llm.publish.measure-url"),
            s.get("llm.publish.identifier-system"),
            s.get("llm.publish.cohort-name"),
            studyStart(s.get("llm.publish.study-start")));
    int port = s.getInt("llm.sandbox.port");
    if (port < 0 || port > 65535) {
      throw new ConfigException("Setting llm.sandbox.port must be between 0 and 65535, but is " + port);
    }
    String flavor = s.get("llm.sandbox.flavor");
    if (!List.of("mcode", "epic", "cerner").contains(flavor)) {
      throw new ConfigException("Setting llm.sandbox.flavor must be mcode, epic or cerner, but is '" + flavor + "'");
    }
    String personality = s.get("llm.sandbox.personality");
    if (!List.of("none", "epic", "cerner").contains(personality)) {
      throw new ConfigException(
          "Setting llm.sandbox.personality must be none, epic or cerner, but is '" + personality + "'");
    }
    Sandbox sandbox = new Sandbox(port, s.get("llm.sandbox.fixtures"), flavor, personality);
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

  private static String studyStart(String value) {
    String start = value.strip();
    if (start.isEmpty()) {
      return start;
    }
    try {
      if (start.matches("\\d{4}")) {
        return start;
      }
      return LocalDate.parse(start).toString();
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "Setting llm.publish.study-start must be a year like 1999 or a date like 1999-01-01, but is '" + value + "'");
    }
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
