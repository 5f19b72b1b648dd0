package org.llmfhiradapter.routes;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.cohort.MappingOutcome;
import org.llmfhiradapter.source.FhirSource;
import org.llmfhiradapter.source.PatientRecord;
import org.llmfhiradapter.store.CohortStore;
import org.llmfhiradapter.store.RecordFingerprint;
import org.llmfhiradapter.store.StoredOutcomes;
import org.llmfhiradapter.store.StoredPatient;
import org.llmfhiradapter.store.SyncCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync's steps as the routes call them (one instance per sync): which candidates of a source to
 * fetch, whether a fetched record changed since it was stored, storing each outcome as soon as it
 * is mapped (so a killed sync keeps what it did), and the cohort of everything stored. The source a
 * step works on is named by the {@value #SOURCE} header. Counts only in the log.
 */
public final class SyncStage {

  /** Header naming the source (its name in the settings) the exchange works on. */
  public static final String SOURCE = "llmSource";

  /** Exchange property holding the candidate id the split is on. */
  public static final String CANDIDATE = "llmCandidate";

  /** Exchange property holding the fetched record's fingerprint. */
  public static final String FINGERPRINT = "llmFingerprint";

  private static final Logger log = LoggerFactory.getLogger(SyncStage.class);

  /**
   * One source's part of the sync.
   *
   * @param stored its patients as stored before this sync
   * @param changesSince look for changes from here ({@code _lastUpdated}); null: fetch every
   *     candidate
   */
  record SourcePlan(FhirSource source, Map<String, StoredPatient> stored, Instant changesSince) {
    SourcePlan {
      stored = Map.copyOf(stored);
    }
  }

  private final CohortStore store;
  private final long runId;
  private final Map<String, SourcePlan> plans = new ConcurrentHashMap<>();
  private final FhirContext fhir;
  private final AtomicInteger candidates = new AtomicInteger();
  private final AtomicInteger fetched = new AtomicInteger();
  private final AtomicInteger added = new AtomicInteger();
  private final AtomicInteger changed = new AtomicInteger();
  private final AtomicInteger unchanged = new AtomicInteger();
  private final AtomicInteger removed = new AtomicInteger();

  SyncStage(CohortStore store, long runId, FhirContext fhir) {
    this.store = store;
    this.runId = runId;
    this.fhir = fhir;
  }

  /** Adds a source to the sync (before its part of the routes runs). */
  void plan(String name, SourcePlan plan) {
    plans.put(name, plan);
  }

  private SourcePlan plan(String name) {
    SourcePlan plan = plans.get(name);
    if (plan == null) {
      throw new IllegalStateException("no sync plan for source " + name);
    }
    return plan;
  }

  /** The source's candidates. */
  public List<String> discover(@Header(SOURCE) String source) {
    return plan(source).source().candidates();
  }

  /**
   * The candidates to fetch: every one on a full sync; else those new to the store, those marked to
   * fetch again, and those with a resource changed since the watermark. Stored patients that are no
   * longer candidates are removed from the store here.
   */
  public List<String> toFetch(List<String> discovered, @Header(SOURCE) String source) {
    SourcePlan plan = plan(source);
    candidates.addAndGet(discovered.size());
    Set<String> current = new LinkedHashSet<>(discovered);
    List<String> gone =
        plan.stored().keySet().stream().filter(id -> !current.contains(id)).sorted().toList();
    int dropped = store.remove(source, gone);
    removed.addAndGet(dropped);
    if (plan.changesSince() == null) {
      log.info(
          "Source {}: full sync, fetching all {} candidates ({} no longer candidates, removed)",
          source,
          discovered.size(),
          dropped);
      if (plan.source().bulk()) {
        plan.source().exportFor(List.copyOf(current), true);
      }
      return List.copyOf(current);
    }
    Set<String> changedOnServer = plan.source().changedPatientsSince(plan.changesSince());
    List<String> fetch = new ArrayList<>();
    for (String id : current) {
      StoredPatient known = plan.stored().get(id);
      if (known == null
          || known.needsFetch()
          || known.contentHash() == null
          || changedOnServer.contains(id)) {
        fetch.add(id);
      }
    }
    log.info(
        "Source {}: incremental sync, {} candidates, {} to fetch, {} no longer candidates (removed)",
        source,
        discovered.size(),
        fetch.size(),
        dropped);
    if (plan.source().bulk()) {
      // The _since export said who changed; their whole records come from an export of them alone.
      plan.source().exportFor(fetch, false);
    }
    return fetch;
  }

  /** Notes the candidate the split is on (the body becomes its record next); passes the id on. */
  public String begin(String candidate, Exchange exchange) {
    exchange.setProperty(CANDIDATE, candidate);
    return candidate;
  }

  /** The candidate's record from its source. */
  public PatientRecord fetch(String candidate, @Header(SOURCE) String source) {
    return plan(source).source().fetchPatient(candidate);
  }

  /** Fingerprints a fetched record into an exchange property; passes the record on. */
  public PatientRecord fingerprint(PatientRecord record, Exchange exchange) {
    fetched.incrementAndGet();
    exchange.setProperty(FINGERPRINT, fingerprintOf(record));
    return record;
  }

  /**
   * Whether the stored outcome was mapped from exactly this content (then nothing is mapped again).
   */
  public boolean unchanged(
      @Header(SOURCE) String source,
      @ExchangeProperty(CANDIDATE) String candidate,
      @ExchangeProperty(FINGERPRINT) RecordFingerprint fingerprint) {
    StoredPatient known = plan(source).stored().get(candidate);
    return known != null
        && !known.status().equals("unfetched")
        && fingerprint.hash().equals(known.contentHash());
  }

  /** An unchanged patient: its stored outcome stands (a mark to fetch again is cleared). */
  public Object keep(
      Object body, @Header(SOURCE) String source, @ExchangeProperty(CANDIDATE) String candidate) {
    unchanged.incrementAndGet();
    if (plan(source).stored().get(candidate).needsFetch()) {
      store.clearNeedsFetch(source, candidate);
    }
    return body;
  }

  /** Stores a freshly mapped outcome, committed at once. */
  public MappingOutcome save(
      MappingOutcome outcome,
      @Header(SOURCE) String source,
      @ExchangeProperty(CANDIDATE) String candidate,
      @ExchangeProperty(FINGERPRINT) RecordFingerprint fingerprint) {
    StoredPatient known = plan(source).stored().get(candidate);
    if (known == null || known.status().equals("unfetched") && known.contentHash() == null) {
      added.incrementAndGet();
    } else {
      changed.incrementAndGet();
    }
    store.save(
        source,
        candidate,
        StoredOutcomes.status(outcome),
        fingerprint.hash(),
        fingerprint.lastUpdated(),
        StoredOutcomes.write(outcome),
        runId);
    return outcome;
  }

  /**
   * A candidate that could not be fetched (only with allow-partial): a stored outcome stays and the
   * patient is fetched again next time; one never stored is stored as unfetched.
   */
  public Object unfetched(
      Object body,
      @Header(SOURCE) String source,
      @ExchangeProperty(CANDIDATE) String candidate,
      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
    String reason = failure == null ? "unknown failure" : failure.getMessage();
    store.markNeedsFetch(
        source,
        candidate,
        StoredOutcomes.write(new MappingOutcome.Unfetched(candidate, reason)),
        runId);
    return body;
  }

  /**
   * The cohort of every stored patient of every configured source, for the analysis. A source no
   * longer configured is left out (its rows stay in the store until it is configured again or
   * removed by hand).
   */
  public Cohort storedCohort() {
    List<Cohort> cohorts = new ArrayList<>();
    for (Map.Entry<String, List<String>> source : store.outcomesBySource().entrySet()) {
      SourcePlan plan = plans.get(source.getKey());
      if (plan == null) {
        continue;
      }
      List<MappingOutcome> outcomes = new ArrayList<>();
      for (String json : source.getValue()) {
        outcomes.add(StoredOutcomes.read(json));
      }
      cohorts.add(
          CohortAggregation.assemble(plan.source().baseUrl(), outcomes)
              .withExportErrors(plan.source().exportErrors()));
    }
    return Cohort.combine(cohorts);
  }

  /** What this sync did, with the cohort it analysed (null: not analysed). */
  SyncCounts counts(Cohort cohort) {
    return new SyncCounts(
        candidates.get(),
        fetched.get(),
        added.get(),
        changed.get(),
        removed.get(),
        unchanged.get(),
        cohort == null ? 0 : cohort.included().size(),
        cohort == null ? 0 : cohort.excluded().size());
  }

  /**
   * The fingerprint of a record: a hash over its resources without their meta (a server touching a
   * resource without changing it is no change), sorted by type and id, and over any request that
   * failed.
   */
  RecordFingerprint fingerprintOf(PatientRecord record) {
    IParser parser = fhir.newJsonParser().setPrettyPrint(false);
    parser.setDontEncodeElements(Set.of("*.meta"));
    List<Resource> resources = new ArrayList<>(record.clinicalResources());
    resources.sort(
        Comparator.comparing((Resource r) -> r.fhirType())
            .thenComparing(
                r -> r.getIdElement().getIdPart(),
                Comparator.nullsFirst(Comparator.naturalOrder())));
    if (record.patient() != null) {
      resources.add(0, record.patient());
    }
    MessageDigest digest = sha256();
    Instant newest = null;
    for (Resource resource : resources) {
      digest.update(parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
      if (resource.hasMeta() && resource.getMeta().hasLastUpdated()) {
        Instant updated = resource.getMeta().getLastUpdated().toInstant();
        newest = newest == null || updated.isAfter(newest) ? updated : newest;
      }
    }
    for (String failure : record.unreadable()) {
      digest.update(("unreadable:" + failure + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return new RecordFingerprint(HexFormat.of().formatHex(digest.digest()), newest);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
