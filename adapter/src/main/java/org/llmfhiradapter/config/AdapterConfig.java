package org.llmfhiradapter.config;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * The typed view of {@link Settings}. Defaults and documentation of every value live in the
 * packaged {@code application.properties}; this class only parses and checks them.
 *
 * @param source the FHIR server pulled from
 * @param pipeline how the pull → map → analyze → publish job runs
 * @param publish what is written, and where
 * @param sandbox the embedded FHIR server
 * @param store the cohort store of the registry sync
 * @param sync how the registry sync runs
 * @param syncSources the sources a sync pulls from: the {@code llm.sources.<name>.*} ones, or else
 *     {@code llm.source.*} as the source named {@value #DEFAULT_SOURCE}
 */
public record AdapterConfig(
    Source source,
    Pipeline pipeline,
    Publish publish,
    Sandbox sandbox,
    Store store,
    Sync sync,
    List<NamedSource> syncSources) {

  /** Name of the source configured by {@code llm.source.*}. */
  public static final String DEFAULT_SOURCE = "default";

  /**
   * One of the sources of a sync.
   *
   * @param name its name ({@value #DEFAULT_SOURCE} for {@code llm.source.*})
   * @param prefix its settings, e.g. {@code llm.sources.epic} (its credentials are under {@code
   *     prefix.auth})
   */
  public record NamedSource(String name, String prefix, Source server) {}

  /**
   * @param baseUrl FHIR base URL (empty until {@code run --base-url} or {@code demo} sets it)
   * @param vendor whose FHIR API it is: generic, epic or cerner
   * @param patients who the candidates are: empty (Condition search by code), {@code file:PATH} or
   *     {@code group:ID}
   * @param candidateCodes Condition codes ({@code system|code}) whose subjects are the candidate
   *     patients
   * @param pageSize {@code _count} asked for on every search
   * @param connectTimeout HTTP connect timeout
   * @param readTimeout HTTP read (socket) timeout
   * @param retry how transient failures are retried
   * @param mode how patients are pulled: {@code search} (per-patient searches) or {@code bulk} (a
   *     Group-level Bulk Data {@code $export})
   * @param bulkMaxWait bulk: how long the export may take before the pull gives up
   * @param bulkMaxPoll bulk: the longest wait between two status polls, whatever the server's
   *     Retry-After says
   * @param bulkParallelDownloads bulk: the export's files downloaded at the same time
   */
  public record Source(
      String baseUrl,
      String vendor,
      String patients,
      List<String> candidateCodes,
      int pageSize,
      Duration connectTimeout,
      Duration readTimeout,
      Retry retry,
      String mode,
      Duration bulkMaxWait,
      Duration bulkMaxPoll,
      int bulkParallelDownloads) {

    /** A source with defaults for everything but the server (tests, benchmarks). */
    public static Source of(String baseUrl, int pageSize) {
      Source defaults = AdapterConfig.from(Settings.defaults()).source();
      return new Source(
          baseUrl,
          "generic",
          "",
          defaults.candidateCodes(),
          pageSize,
          defaults.connectTimeout(),
          defaults.readTimeout(),
          defaults.retry(),
          "search",
          defaults.bulkMaxWait(),
          defaults.bulkMaxPoll(),
          defaults.bulkParallelDownloads());
    }

    public Source withBaseUrl(String url) {
      return new Source(
          url,
          vendor,
          patients,
          candidateCodes,
          pageSize,
          connectTimeout,
          readTimeout,
          retry,
          mode,
          bulkMaxWait,
          bulkMaxPoll,
          bulkParallelDownloads);
    }

    /** Whether patients are pulled by a Bulk Data export. */
    public boolean bulk() {
      return mode.equals("bulk");
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
      int concurrency,
      LocalDate dataCutoff,
      String routes,
      boolean allowPartial,
      Duration progressEvery) {}

  /**
   * @param enabled write the results (Measure, Group, MeasureReport, Provenance)
   * @param baseUrl the destination server; empty: the source
   * @param measureUrl canonical URL of the Measure the reports refer to
   * @param identifierSystem system of the report's stable identifier
   * @param cohortName cohort name, part of the report identifier
   * @param studyStart start of the study period the report covers, a year ({@code 1999}) or a day;
   *     empty: the year of the first resection (never its day, which is one patient's surgery)
   * @param minCellSize small-cell suppression: counts of patients below it (and statistics of
   *     groups that small) are withheld from every output; 0 for none
   */
  public record Publish(
      boolean enabled,
      String baseUrl,
      String measureUrl,
      String identifierSystem,
      String cohortName,
      String studyStart,
      int minCellSize) {

    /** Whether the results go to a server other than the source (with credentials of their own). */
    public boolean hasOwnDestination() {
      return !baseUrl.isEmpty();
    }
  }

  /**
   * @param url JDBC URL of the store (the embedded H2 file in {@code dataDir} when the setting is
   *     empty)
   * @param user database user (empty: none)
   * @param passwordFile file holding the database password (empty: env {@code LLM_STORE_PASSWORD}
   *     or none)
   */
  public record Store(String url, String user, String passwordFile) {}

  /**
   * @param schedule Quartz cron expression of {@code serve}'s syncs (UTC)
   * @param lockLease how long a sync's lock outlives its last renewal
   * @param overlap how far before the last sync's start changes are looked for
   */
  public record Sync(String schedule, Duration lockLease, Duration overlap) {}

  /**
   * @param port loopback port of the embedded server (0: any free port)
   * @param fixtures folder of fixture files it is seeded with
   * @param flavor how case tables are rendered to FHIR: mcode, epic or cerner
   * @param personality how its API behaves: none, epic or cerner
   * @param databaseUrl where it keeps its data: empty for an in-memory H2 database, or a {@code
   *     jdbc:postgresql:} URL (a schema of its own is made there and dropped when it stops)
   * @param auth none, or smart: the FHIR endpoints require SMART Backend Services tokens
   * @param jwks smart: the registered client's public keys, a JWK Set file or http(s) URL
   * @param clientId smart: the registered client's id
   * @param store what serves and keeps the resources: {@code jpa} (HAPI FHIR JPA: full search, bulk
   *     export, history), {@code memory} (HAPI's plain server over a map: ready in a second, the
   *     searches the adapter makes) or {@code auto} (each command's own choice, see {@link
   *     #inMemory(boolean)})
   */
  public record Sandbox(
      int port,
      String fixtures,
      String flavor,
      String personality,
      String databaseUrl,
      String auth,
      String jwks,
      String clientId,
      String store) {

    /**
     * An open sandbox (no SMART) with the given port, fixtures, flavor, personality and database.
     */
    public Sandbox(
        int port, String fixtures, String flavor, String personality, String databaseUrl) {
      this(port, fixtures, flavor, personality, databaseUrl, "none", "", "", "auto");
    }

    /**
     * Whether the sandbox keeps its resources in memory rather than in HAPI JPA.
     *
     * @param byDefault the command's choice for {@code auto}: a database URL always means JPA
     */
    public boolean inMemory(boolean byDefault) {
      return switch (store) {
        case "memory" -> true;
        case "jpa" -> false;
        default -> byDefault && databaseUrl.isEmpty();
      };
    }

    public boolean smart() {
      return auth.equals("smart");
    }
  }

  public static AdapterConfig from(Settings s) {
    return from(s, Clock.systemUTC());
  }

  static AdapterConfig from(Settings s, Clock clock) {
    Source source = source(s, "llm.source");
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
            baseUrl(s, "llm.publish.base-url", "--publish-url").replaceAll("/+$", ""),
            s.get("llm.publish.measure-url"),
            s.get("llm.publish.identifier-system"),
            s.get("llm.publish.cohort-name"),
            studyStart(s.get("llm.publish.study-start")),
            minCellSize(s));
    int port = s.getInt("llm.sandbox.port");
    if (port < 0 || port > 65535) {
      throw new ConfigException(
          "Setting llm.sandbox.port must be between 0 and 65535, but is " + port);
    }
    String flavor = s.get("llm.sandbox.flavor");
    if (!List.of("mcode", "epic", "cerner").contains(flavor)) {
      throw new ConfigException(
          "Setting llm.sandbox.flavor must be mcode, epic or cerner, but is '" + flavor + "'");
    }
    String personality = s.get("llm.sandbox.personality");
    if (!List.of("none", "epic", "cerner").contains(personality)) {
      throw new ConfigException(
          "Setting llm.sandbox.personality must be none, epic or cerner, but is '"
              + personality
              + "'");
    }
    String database = s.get("llm.sandbox.database-url");
    if (!database.isEmpty() && !database.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          "Setting llm.sandbox.database-url must be empty (in memory) or a jdbc:postgresql: URL, but is '"
              + database
              + "'");
    }
    String auth = s.get("llm.sandbox.auth");
    if (!List.of("none", "smart").contains(auth)) {
      throw new ConfigException(
          "Setting llm.sandbox.auth must be none or smart, but is '" + auth + "'");
    }
    if (auth.equals("smart")
        && (s.get("llm.sandbox.jwks").isEmpty() || s.get("llm.sandbox.client-id").isEmpty())) {
      throw new ConfigException(
          "llm.sandbox.auth=smart needs the client to register: its public keys"
              + " (llm.sandbox.jwks or --jwks: a JWK Set file, as `jwks` prints it, or an http(s) URL) and its id"
              + " (llm.sandbox.client-id or --client-id)");
    }
    String sandboxStore = s.get("llm.sandbox.store");
    if (!List.of("auto", "memory", "jpa").contains(sandboxStore)) {
      throw new ConfigException(
          "Setting llm.sandbox.store must be auto, memory or jpa, but is '" + sandboxStore + "'");
    }
    if (sandboxStore.equals("memory") && !database.isEmpty()) {
      throw new ConfigException(
          "llm.sandbox.store=memory keeps the resources in memory, not in llm.sandbox.database-url:"
              + " leave the URL empty, or set llm.sandbox.store=jpa");
    }
    Sandbox sandbox =
        new Sandbox(
            port,
            s.get("llm.sandbox.fixtures"),
            flavor,
            personality,
            database,
            auth,
            s.get("llm.sandbox.jwks"),
            s.get("llm.sandbox.client-id"),
            sandboxStore);
    requireOwnDestination(source, publish, "llm.source");
    List<NamedSource> syncSources = syncSources(s, source, publish);
    Store store = new Store(storeUrl(s), s.get("llm.store.user"), s.get("llm.store.password-file"));
    int overlap = s.getInt("llm.sync.overlap-seconds");
    if (overlap < 0) {
      throw new ConfigException(
          "Setting llm.sync.overlap-seconds must be 0 or more, but is " + overlap);
    }
    String schedule = s.get("llm.sync.schedule");
    if (schedule.split("\\s+").length < 6) {
      throw new ConfigException(
          "Setting llm.sync.schedule must be a Quartz cron expression of 6 or 7 fields (seconds minutes hours"
              + " day-of-month month day-of-week [year]), e.g. '0 0 2 * * ?', but is '"
              + schedule
              + "'");
    }
    Sync sync =
        new Sync(
            schedule,
            Duration.ofSeconds(positive(s, "llm.sync.lock-seconds")),
            Duration.ofSeconds(overlap));
    return new AdapterConfig(source, pipeline, publish, sandbox, store, sync, syncSources);
  }

  /**
   * Epic and Cerner accept no MeasureReport writes: the results need a destination of their own,
   * and one that is not the EHR itself under another spelling.
   */
  private static void requireOwnDestination(Source source, Publish publish, String prefix) {
    if (!publish.enabled() || source.vendor().equals("generic")) {
      return;
    }
    if (!publish.hasOwnDestination()) {
      throw new ConfigException(
          prefix
              + ".vendor="
              + source.vendor()
              + ": "
              + source.vendor()
              + " accepts no MeasureReport writes, so the"
              + " results need a destination: set llm.publish.base-url to a registry or quality-reporting FHIR"
              + " server (or llm.publish.enabled=false to compute only)");
    }
    String destination = publish.baseUrl().toLowerCase(java.util.Locale.ROOT);
    if (!source.baseUrl().isEmpty()
        && destination.equals(
            source.baseUrl().replaceAll("/+$", "").toLowerCase(java.util.Locale.ROOT))) {
      throw new ConfigException(
          "llm.publish.base-url is the source server itself, and "
              + prefix
              + ".vendor="
              + source.vendor()
              + " accepts no MeasureReport writes: set it to a registry or quality-reporting FHIR server");
    }
  }

  /** The configured JDBC URL, or the embedded H2 file under the data folder. */
  private static String storeUrl(Settings s) {
    String url = s.get("llm.store.url");
    if (!url.isEmpty()) {
      if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
        throw new ConfigException(
            "Setting llm.store.url must be a jdbc:h2: or jdbc:postgresql: URL, but starts with '"
                + url.substring(0, Math.min(url.length(), 16))
                + "'");
      }
      return url;
    }
    java.nio.file.Path file =
        java.nio.file.Path.of(s.get("llm.store.data-dir"), "llm-store").toAbsolutePath();
    // AUTO_SERVER: a second process (a sync started while `serve` runs one) reaches the same file
    // over a loopback socket and meets the lock in the store, instead of H2's "database in use".
    return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE";
  }

  /**
   * The source configured under {@code prefix} ({@code llm.source} or {@code llm.sources.<name>}).
   */
  private static Source source(Settings s, String prefix) {
    String vendor = s.get(prefix + ".vendor");
    if (!List.of("generic", "epic", "cerner").contains(vendor)) {
      throw new ConfigException(
          "Setting " + prefix + ".vendor must be generic, epic or cerner, but is '" + vendor + "'");
    }
    String patients = s.get(prefix + ".patients");
    if (!patients.isEmpty() && !patients.startsWith("file:") && !patients.startsWith("group:")) {
      throw new ConfigException(
          "Setting "
              + prefix
              + ".patients must be empty, file:PATH or group:ID, but is '"
              + patients
              + "'");
    }
    if (patients.isEmpty() && !vendor.equals("generic")) {
      throw new ConfigException(
          prefix
              + ".vendor="
              + vendor
              + " requires `patient` on every search, so the candidates cannot be found by"
              + " a Condition search: set "
              + prefix
              + ".patients to file:PATH (Patient ids) or group:ID (a FHIR"
              + " Group)");
    }
    Retry retry =
        new Retry(
            positive(s, prefix + ".retry.max-attempts"),
            Duration.ofMillis(positive(s, prefix + ".retry.initial-wait-ms")),
            Duration.ofSeconds(positive(s, prefix + ".retry.max-wait-seconds")),
            Duration.ofSeconds(positive(s, prefix + ".retry.budget-seconds")));
    Source source =
        new Source(
            baseUrl(s, prefix + ".base-url", prefix.equals("llm.source") ? "--base-url" : null),
            vendor,
            patients,
            csv(s.get(prefix + ".candidate-codes")),
            positive(s, prefix + ".page-size"),
            Duration.ofSeconds(positive(s, prefix + ".connect-timeout-seconds")),
            Duration.ofSeconds(positive(s, prefix + ".read-timeout-seconds")),
            retry,
            s.get(prefix + ".mode"),
            Duration.ofSeconds(positive(s, prefix + ".bulk.max-wait-seconds")),
            Duration.ofSeconds(positive(s, prefix + ".bulk.max-poll-interval-seconds")),
            positive(s, prefix + ".bulk.parallel-downloads"));
    if (!List.of("search", "bulk").contains(source.mode())) {
      throw new ConfigException(
          "Setting " + prefix + ".mode must be search or bulk, but is '" + source.mode() + "'");
    }
    if (source.bulk() && vendor.equals("epic") && !patients.startsWith("group:")) {
      throw new ConfigException(
          prefix
              + ".mode=bulk on Epic exports a Group's patients (Epic offers Group/[id]/$export only): set "
              + prefix
              + ".patients to group:ID");
    }
    for (String code : source.candidateCodes()) {
      if (!code.contains("|") || code.startsWith("|") || code.endsWith("|")) {
        throw new ConfigException(
            "Setting "
                + prefix
                + ".candidate-codes must list system|code pairs, but has '"
                + code
                + "'");
      }
    }
    return source;
  }

  /** The named sources, or the one of llm.source.* when none is named. */
  private static List<NamedSource> syncSources(Settings s, Source source, Publish publish) {
    if (s.sourceNames().isEmpty()) {
      return List.of(new NamedSource(DEFAULT_SOURCE, "llm.source", source));
    }
    List<NamedSource> named = new java.util.ArrayList<>();
    for (String name : s.sourceNames()) {
      String prefix = Settings.SOURCES + name;
      Source server = source(s, prefix);
      if (server.baseUrl().isEmpty()) {
        throw new ConfigException(
            "Setting " + prefix + ".base-url is required: every named source needs its server");
      }
      requireOwnDestination(server, publish, prefix);
      named.add(new NamedSource(name, prefix, server));
    }
    if (publish.enabled() && !publish.hasOwnDestination()) {
      throw new ConfigException(
          "With several sources (llm.sources.*) the results need a destination of their own: set"
              + " llm.publish.base-url");
    }
    return List.copyOf(named);
  }

  /**
   * A FHIR base URL setting as given (empty when unset), refused at once when it cannot be one: a
   * typo such as {@code http//host} would otherwise cost the retries of every request before
   * failing.
   *
   * @param option the command-line option that sets it, named in the message; null for none
   */
  private static String baseUrl(Settings s, String setting, String option) {
    String value = s.get(setting);
    if (value.isEmpty()) {
      return value;
    }
    String given = "Setting " + setting + (option == null ? "" : " (" + option + ")");
    java.net.URI uri;
    try {
      uri = new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(
          given + " is not a URL ('" + value + "': " + e.getReason() + ")" + BASE_URL_EXAMPLE);
    }
    if (uri.getRawUserInfo() != null) {
      // The value is not echoed: it holds a password.
      throw new ConfigException(
          given
              + " holds a user name or password: give credentials by the auth settings"
              + " (llm.source.auth.*, llm.publish.auth.*), never in the URL");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new ConfigException(
          given
              + " must be an http or https URL with a host and no query, but is '"
              + value
              + "'"
              + BASE_URL_EXAMPLE);
    }
    return value;
  }

  private static final String BASE_URL_EXAMPLE =
      "; a FHIR base URL looks like https://fhir.example.org/api/FHIR/R4 or http://127.0.0.1:8080/fhir";

  private static List<String> csv(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static int minCellSize(Settings s) {
    int size = s.getInt("llm.publish.min-cell-size");
    if (size < 0) {
      throw new ConfigException(
          "Setting llm.publish.min-cell-size must be 0 (off) or a count of patients, such as"
              + " 11, but is "
              + size);
    }
    return size;
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
          "Setting llm.publish.study-start must be a year like 1999 or a date like 1999-01-01, but is '"
              + value
              + "'");
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
      throw new ConfigException(
          "Setting " + key + " must be a date like 2026-01-31, but is '" + value + "'");
    }
  }
}
