package org.llmfhiradapter.source;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull stage: finds the candidate patients and fetches each one's Patient, Conditions,
 * Procedures and Observations from a FHIR R4 server, over HTTP, following {@code next} links,
 * retrying what may pass.
 *
 * <p>Candidates come from {@code llm.source.patients}: a list of ids in a file, the members of a
 * FHIR Group, or (generic servers) the subjects of Conditions with a liver-metastasis code; the
 * mapping stage decides who is in the cohort. The searches per patient follow the vendor's rules
 * ({@link VendorSearches}).
 */
public final class FhirSource {

  private static final Logger log = LoggerFactory.getLogger(FhirSource.class);

  private final AdapterConfig.Source config;
  private final FhirConnection connection;
  private final IGenericClient client;
  private final SearchPager pager;
  private final FhirRequests requests;
  private final VendorSearches searches;
  private final Authentication authentication;
  private final List<String> observationCodes;

  /**
   * Bulk mode: the exported resources by patient, on disk; null when none are exported (read by
   * search).
   */
  private volatile BulkSpill spill;

  private final Map<String, Integer> exportErrors = new java.util.concurrent.ConcurrentHashMap<>();
  private static Path spillFolder;
  private final java.util.concurrent.atomic.AtomicLong exportWaited =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong exportDownloaded =
      new java.util.concurrent.atomic.AtomicLong();
  // Null until the first export ended; then its transactionTime, if any and believable.
  private final java.util.concurrent.atomic.AtomicReference<Optional<java.time.Instant>>
      firstExportTime = new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * A manifest's transactionTime further than this from the adapter's clock is taken for a server
   * bug, not for a clock that is off: a date in 2099 would stop every later sync seeing a change.
   */
  private static final java.time.Duration BELIEVABLE_CLOCK_GAP = java.time.Duration.ofDays(1);

  private volatile List<String> lastCandidates;

  /**
   * A source without authentication whose searches need no Observation codes (generic servers,
   * tests).
   */
  public FhirSource(FhirContext fhirContext, AdapterConfig.Source config) {
    this(fhirContext, config, List.of(), LocalDate.now(), Authentication.NONE);
  }

  /**
   * @param observationCodes {@code system|code} of the Observation codes that play a role (Epic
   *     searches by them)
   * @param until the data cut-off (the end of Cerner's Procedure date range)
   */
  public FhirSource(
      FhirContext fhirContext,
      AdapterConfig.Source config,
      List<String> observationCodes,
      LocalDate until,
      Authentication authentication) {
    if (config.baseUrl().isBlank()) {
      throw new SourceException(
          "No FHIR server given: set llm.source.base-url or use run --base-url URL");
    }
    this.config = config;
    this.authentication = authentication;
    this.connection = FhirConnection.open(fhirContext, config, authentication);
    this.client = connection.client();
    this.requests = connection.requests();
    this.pager = new SearchPager(client, requests, config.baseUrl());
    this.searches = new VendorSearches(config.vendor(), config.pageSize(), observationCodes, until);
    this.observationCodes = List.copyOf(observationCodes);
  }

  /** The base URL pulled from. */
  public String baseUrl() {
    return config.baseUrl();
  }

  /**
   * The connection to the source (client, retries, credentials), for writes back to the same
   * server.
   */
  public FhirConnection connection() {
    return connection;
  }

  /**
   * Logical ids of the candidate patients, in the order given, each once. In bulk mode their
   * records are exported here too (the Group's export, or {@code Patient/$export} of the
   * candidates), for {@link #fetchPatient} to read.
   */
  public List<String> discoverPatients() {
    List<String> ids = candidates();
    if (config.bulk()) {
      exportFor(ids, true);
    }
    return ids;
  }

  /** The candidate patients (file, Group members or Condition search), nothing exported. */
  public List<String> candidates() {
    String patients = config.patients();
    List<String> ids;
    if (patients.startsWith("file:")) {
      ids = fromFile(Path.of(patients.substring("file:".length())));
    } else if (patients.startsWith("group:")) {
      ids = fromGroup(groupId());
    } else {
      ids = byConditionCode();
    }
    log.info("{} candidate patients", ids.size());
    lastCandidates = ids;
    return ids;
  }

  private String groupId() {
    return config.patients().startsWith("group:")
        ? config.patients().substring("group:".length())
        : null;
  }

  /**
   * Bulk mode: exports the records of these candidates, for {@link #fetchPatient} to read: the
   * Group's export when they are all its members, else {@code Patient/$export} naming them (Bulk
   * Data v2). Epic offers only the Group's export; there a part of the candidates is fetched by
   * search instead.
   *
   * @param allCandidates whether {@code ids} are every candidate
   */
  public void exportFor(List<String> ids, boolean allCandidates) {
    BulkSpill previous = spill;
    spill = null;
    if (previous != null) {
      previous.close();
    }
    if (!allCandidates && (ids.isEmpty() || config.vendor().equals("epic"))) {
      log.info(
          "{} patients to fetch{}",
          ids.size(),
          ids.isEmpty() ? "" : " by search (Epic exports a whole Group only)");
      return;
    }
    String group = allCandidates ? groupId() : null;
    spill =
        export(new BulkExport.Request(group, group == null ? ids : List.of(), null, typeFilters()));
  }

  /**
   * Bulk mode, an incremental export: the candidates with a resource created or updated after
   * {@code since} ({@code _since}; the resources themselves are not kept: the records of those
   * patients are then exported whole by {@link #exportFor}).
   */
  private Set<String> exportedChangesSince(java.time.Instant since) {
    String group = groupId();
    List<String> ids =
        group != null ? List.of() : lastCandidates != null ? lastCandidates : candidates();
    try (BulkSpill changes = export(new BulkExport.Request(group, ids, since, typeFilters()))) {
      log.info("{} patients with resources changed since the last sync", changes.patients().size());
      return changes.patients();
    }
  }

  /**
   * {@code _typeFilter}: only the Observations whose codes play a role, as Epic's searches ask for
   * them. Sent to generic servers (HAPI and others implement it); Epic's and Oracle Health's bulk
   * APIs do not take it.
   */
  private List<String> typeFilters() {
    if (!config.vendor().equals("generic") || observationCodes.isEmpty()) {
      return List.of();
    }
    return List.of("Observation?code=" + String.join(",", observationCodes));
  }

  private BulkSpill export(BulkExport.Request request) {
    BulkSpill into = new BulkSpill(spillFolder());
    try {
      BulkExport.Result result =
          new BulkExport(config.baseUrl(), authentication, config, config.bulkMaxWait())
              .run(request, into);
      result.errors().forEach((code, n) -> exportErrors.merge(code, n, Integer::sum));
      // Only the first export's time counts (the change feed, or the full export): a later one's
      // would skip what changed in between for everyone else.
      firstExportTime.compareAndSet(null, believable(result.transactionTime()));
      exportWaited.addAndGet(result.waited().toNanos());
      exportDownloaded.addAndGet(result.downloaded().toNanos());
      return into;
    } catch (RuntimeException e) {
      into.close();
      throw e;
    }
  }

  /**
   * The server's {@code transactionTime} of this source's first bulk export: everything changed up
   * to it was in that export (for a sync, the {@code _since} export or the full one, which come
   * first). The next {@code _since} should start there, on the server's clock, not the adapter's.
   * Empty in search mode or when the manifest gave none.
   */
  public Optional<java.time.Instant> firstExportTime() {
    Optional<java.time.Instant> first = firstExportTime.get();
    return first == null ? Optional.empty() : first;
  }

  private static Optional<java.time.Instant> believable(java.time.Instant transactionTime) {
    if (transactionTime == null) {
      return Optional.empty();
    }
    java.time.Instant now = java.time.Instant.now();
    if (java.time.Duration.between(now, transactionTime).abs().compareTo(BELIEVABLE_CLOCK_GAP)
        > 0) {
      log.warn(
          "Bulk export: the manifest's transactionTime {} is more than a day from this machine's"
              + " clock ({}); the next sync looks for changes from this machine's time instead",
          transactionTime,
          now);
      return Optional.empty();
    }
    return Optional.of(transactionTime);
  }

  /**
   * Where the time of this source's bulk exports went so far.
   *
   * @param waited the server building the exports (kick-off to manifest)
   * @param downloaded the files streamed and filed by patient
   */
  public record ExportTimes(java.time.Duration waited, java.time.Duration downloaded) {}

  public ExportTimes exportTimes() {
    return new ExportTimes(
        java.time.Duration.ofNanos(exportWaited.get()),
        java.time.Duration.ofNanos(exportDownloaded.get()));
  }

  /** OperationOutcome issues in the exports' error files so far, counted by issue code. */
  public Map<String, Integer> exportErrors() {
    return Map.copyOf(exportErrors);
  }

  /** A folder of the process's own for the spill files, deleted when the JVM exits. */
  private static synchronized Path spillFolder() {
    if (spillFolder == null) {
      try {
        Path folder = Files.createTempDirectory("llm-bulk-");
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> deleteFolder(folder), "llm-bulk-cleanup"));
        spillFolder = folder;
      } catch (IOException e) {
        throw new SourceException(
            "Bulk export: no folder for the downloaded files (" + e.getMessage() + ")");
      }
    }
    return spillFolder;
  }

  private static void deleteFolder(Path folder) {
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(folder);
    } catch (IOException ignored) {
      // The temporary folder is left to the system's clean-up.
    }
  }

  private List<String> byConditionCode() {
    String url = searches.conditionsByCode(config.candidateCodes());
    List<Condition> conditions =
        pager.all("Condition search by liver-metastasis codes", Condition.class, () -> search(url));
    Set<String> patients = new LinkedHashSet<>();
    for (Condition condition : conditions) {
      String id = patientId(condition.getSubject());
      if (id != null) {
        patients.add(id);
      }
    }
    return List.copyOf(patients);
  }

  private List<String> fromGroup(String groupId) {
    Group group =
        requests.call(
            "Group read (llm.source.patients)",
            () -> client.read().resource(Group.class).withId(groupId).execute());
    Set<String> patients = new LinkedHashSet<>();
    for (Group.GroupMemberComponent member : group.getMember()) {
      String id = patientId(member.getEntity());
      if (id != null && !member.getInactive()) {
        patients.add(id);
      }
    }
    return List.copyOf(patients);
  }

  static List<String> fromFile(Path file) {
    try {
      Set<String> patients = new LinkedHashSet<>();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int number = 1; number <= lines.size(); number++) {
        String id = lines.get(number - 1).strip();
        if (id.isEmpty() || id.startsWith("#")) {
          continue;
        }
        if (id.startsWith("Patient/")) {
          id = id.substring("Patient/".length());
        }
        if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
          // The line's number, not its text: the text may be an MRN or a name pasted by mistake.
          throw new SourceException(
              "Patient list "
                  + file
                  + " line "
                  + number
                  + " is not a FHIR Patient id (1-64"
                  + " letters, digits, '-' or '.', optionally after Patient/; # starts a comment)");
        }
        patients.add(id);
      }
      return List.copyOf(patients);
    } catch (NoSuchFileException e) {
      throw new SourceException(
          "Patient list " + file + " does not exist (llm.source.patients=file:...)");
    } catch (IOException e) {
      throw new SourceException("Cannot read the patient list " + file + ": " + e.getMessage());
    }
  }

  /**
   * Whether {@link #changedPatientsSince} works on this source's API (see {@link
   * VendorSearches#hasChangeFeed()}).
   */
  public boolean hasChangeFeed() {
    return config.bulk() || searches.hasChangeFeed();
  }

  /** Whether records come from Bulk Data exports ({@code llm.source.mode=bulk}). */
  public boolean bulk() {
    return config.bulk();
  }

  /**
   * Ids of the patients whose Patient, Conditions, Procedures or Observations were created or
   * updated at or after {@code since}, by the server's {@code _lastUpdated}: four searches, a page
   * per {@code _count} changes, however many patients there are. A resource marked entered-in-error
   * is an update, so it is found too; a resource deleted outright is not (a full sync finds that).
   * In bulk mode, an export with {@code _since}.
   */
  public Set<String> changedPatientsSince(java.time.Instant since) {
    if (config.bulk()) {
      return exportedChangesSince(since);
    }
    if (!hasChangeFeed()) {
      throw new IllegalStateException(
          "llm.source.vendor=" + config.vendor() + " has no _lastUpdated search across patients");
    }
    Set<String> patients = new LinkedHashSet<>();
    for (Patient patient : changedSince(Patient.class, since)) {
      patients.add(patient.getIdElement().getIdPart());
    }
    changedSince(Condition.class, since).forEach(c -> addPatient(patients, c.getSubject()));
    changedSince(Procedure.class, since).forEach(p -> addPatient(patients, p.getSubject()));
    changedSince(Observation.class, since).forEach(o -> addPatient(patients, o.getSubject()));
    log.info("{} patients with resources changed since the last sync", patients.size());
    return patients;
  }

  private <T extends Resource> List<T> changedSince(Class<T> type, java.time.Instant since) {
    String name = type.getSimpleName();
    return all(name + " search by _lastUpdated", type, searches.changedSince(name, since));
  }

  private static void addPatient(Set<String> patients, Reference subject) {
    String id = patientId(subject);
    if (id != null) {
      patients.add(id);
    }
  }

  /**
   * Links followed from a merged-away record to its survivor, at most (a chain longer than this is
   * a loop).
   */
  static final int MAX_MERGE_HOPS = 5;

  /**
   * The patient's record: Patient plus all its Conditions, Procedures and Observations. A merged
   * chart is pulled as one person, under the surviving record: a Patient whose {@code link} says
   * {@code replaced-by} is followed to the record that replaced it, and the resources of every half
   * (the records followed, and those the survivor lists as {@code replaces}) are gathered under the
   * survivor's id. Each half is read on this server by its id only, so no link leads a request (or
   * its credentials) anywhere else.
   */
  public PatientRecord fetchPatient(String patientId) {
    BulkSpill exported = spill;
    if (exported != null) {
      PatientRecord record = fromExport(exported, patientId);
      if (record != null) {
        return record;
      }
      log.debug("A merged chart has a half outside the export; it is read by search");
    }
    List<String> unreadable = new ArrayList<>();
    String id = patientId;
    Patient patient = readPatient(id, unreadable);
    Set<String> halves = new LinkedHashSet<>(List.of(id));
    for (int hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      String survivor =
          linked(patient, Patient.LinkType.REPLACEDBY).stream().findFirst().orElse(null);
      if (survivor == null || halves.contains(survivor)) {
        break;
      }
      log.debug("A candidate is a merged-away record; following it to its survivor");
      id = survivor;
      patient = readPatient(id, unreadable);
      halves.add(id);
    }
    halves.addAll(linked(patient, Patient.LinkType.REPLACES));
    List<Condition> conditions = new ArrayList<>();
    List<Procedure> procedures = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    for (String half : halves) {
      addNew(
          conditions,
          readable(
              "Condition search by patient",
              Condition.class,
              searches.conditions(half),
              unreadable));
      addNew(
          procedures,
          readable(
              "Procedure search by patient",
              Procedure.class,
              searches.procedures(half),
              unreadable));
      addNew(
          observations,
          readable(
              "Observation search by patient",
              Observation.class,
              searches.observations(half),
              unreadable));
    }
    return new PatientRecord(id, patient, conditions, procedures, observations, unreadable);
  }

  /**
   * An exported patient's record, read back from the spill (a line that is not FHIR JSON is noted).
   * A merged chart is gathered as the searches gather it, from the halves its Patients link; null
   * when a half is not in the export (the record is then read by search).
   */
  private PatientRecord fromExport(BulkSpill exported, String patientId) {
    List<String> unreadable = new ArrayList<>();
    ca.uhn.fhir.parser.IParser parser = connection.client().getFhirContext().newJsonParser();
    Map<String, PatientRecord> halves = new java.util.LinkedHashMap<>();
    String id = patientId;
    PatientRecord record = exportedRecord(exported, parser, id, unreadable);
    halves.put(id, record);
    for (int hop = 0; hop < MAX_MERGE_HOPS && record.patient() != null; hop++) {
      String survivor =
          linked(record.patient(), Patient.LinkType.REPLACEDBY).stream().findFirst().orElse(null);
      if (survivor == null || halves.containsKey(survivor)) {
        break;
      }
      if (!exported.has(survivor)) {
        return null;
      }
      id = survivor;
      record = exportedRecord(exported, parser, id, unreadable);
      halves.put(id, record);
    }
    if (record.patient() != null) {
      for (String replaced : linked(record.patient(), Patient.LinkType.REPLACES)) {
        if (!halves.containsKey(replaced)) {
          if (!exported.has(replaced)) {
            return null;
          }
          halves.put(replaced, exportedRecord(exported, parser, replaced, unreadable));
        }
      }
    }
    Patient patient = record.patient();
    if (patient == null) {
      patient = new Patient();
      patient.setId(id);
      unreadable.add("Bulk export: the candidate has no Patient in the export");
    }
    List<Condition> conditions = new ArrayList<>();
    List<Procedure> procedures = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    for (PatientRecord half : halves.values()) {
      addNew(conditions, half.conditions());
      addNew(procedures, half.procedures());
      addNew(observations, half.observations());
    }
    return new PatientRecord(id, patient, conditions, procedures, observations, unreadable);
  }

  private static PatientRecord exportedRecord(
      BulkSpill exported,
      ca.uhn.fhir.parser.IParser parser,
      String patientId,
      List<String> unreadable) {
    List<Resource> chart = new ArrayList<>();
    for (String line : exported.lines(patientId)) {
      try {
        chart.add((Resource) parser.parseResource(line));
      } catch (ca.uhn.fhir.parser.DataFormatException | ClassCastException e) {
        unreadable.add("Bulk export file: a line is not a FHIR resource");
      }
    }
    return PatientRecord.of(patientId, chart);
  }

  /**
   * The Patient; when the server's answer cannot be read as FHIR even after the retries, a Patient
   * with only its id, and the failure noted, so that the patient is excluded and the pull goes on.
   */
  private Patient readPatient(String id, List<String> unreadable) {
    try {
      return requests.call(
          "Patient read", () -> client.read().resource(Patient.class).withId(id).execute());
    } catch (UnreadableResponseException e) {
      unreadable.add(e.getMessage());
      Patient placeholder = new Patient();
      placeholder.setId(id);
      return placeholder;
    }
  }

  /**
   * A patient's search; an answer that cannot be read as FHIR is noted (the record is then
   * incomplete).
   */
  private <T extends Resource> List<T> readable(
      String description, Class<T> type, String url, List<String> unreadable) {
    try {
      return all(description, type, url);
    } catch (UnreadableResponseException e) {
      unreadable.add(e.getMessage());
      return List.of();
    }
  }

  /** Ids of the Patients this one links to with the given link type. */
  static List<String> linked(Patient patient, Patient.LinkType type) {
    List<String> ids = new ArrayList<>();
    for (Patient.PatientLinkComponent link : patient.getLink()) {
      String id = link.getType() == type ? patientId(link.getOther()) : null;
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  /**
   * Adds the resources not already there (a search on both halves of a merge may return the same
   * one twice).
   */
  private static <T extends Resource> void addNew(List<T> into, List<T> found) {
    Set<String> ids = new HashSet<>();
    into.forEach(r -> ids.add(r.getIdElement().getIdPart()));
    for (T resource : found) {
      String id = resource.getIdElement().getIdPart();
      if (id == null || ids.add(id)) {
        into.add(resource);
      }
    }
  }

  private <T extends Resource> List<T> all(String description, Class<T> type, String url) {
    return pager.all(description, type, () -> search(url));
  }

  private Bundle search(String url) {
    return client.search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  /**
   * The logical id in a {@code Patient/id} reference (relative or absolute), or null for any other
   * target.
   */
  static String patientId(Reference subject) {
    if (subject == null || !subject.hasReference()) {
      return null;
    }
    String reference = subject.getReference();
    int history = reference.indexOf("/_history/");
    if (history >= 0) {
      reference = reference.substring(0, history);
    }
    int marker = reference.lastIndexOf("Patient/");
    if (marker < 0) {
      return null;
    }
    String id = reference.substring(marker + "Patient/".length());
    return id.isEmpty() || id.contains("/") ? null : id;
  }
}
