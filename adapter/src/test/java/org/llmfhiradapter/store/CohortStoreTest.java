package org.llmfhiradapter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Exclusion;
import org.llmfhiradapter.cohort.ExclusionReason;
import org.llmfhiradapter.cohort.MappingOutcome;
import org.llmfhiradapter.conformance.ResourceFinding;
import org.llmfhiradapter.conformance.ValidationIssue;
import org.llmfhiradapter.testing.LogCapture;
import org.llmfhiradapter.testing.TestDatabases;
import org.llmfhiradapter.testing.TestDatabases.TestDatabase;

/**
 * The cohort store on both databases it supports, each real: an H2 file and the local PostgreSQL (a
 * schema of its own per test). What a sync relies on: outcomes survive, one sync holds the lock, a
 * dead sync's lock lapses, and the watermark moves only with a run that says so while it still
 * holds the lock.
 */
class CohortStoreTest {

  @TempDir Path dir;

  static Stream<Named<Function<Path, TestDatabase>>> databases() {
    return Stream.of(
        Named.of("H2", TestDatabases::h2), Named.of("PostgreSQL", dir -> TestDatabases.postgres()));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void outcomesSurviveClosingAndReopeningTheStore(Function<Path, TestDatabase> database) {
    MappingOutcome included =
        new MappingOutcome.Included(record("p1"), List.of(warning("Condition/c1")));
    MappingOutcome excluded =
        new MappingOutcome.Excluded(
            new Exclusion(
                "p2", ExclusionReason.NO_HEPATIC_RESECTION, "Patient/p2", "no hepatic resection"),
            List.of());
    try (TestDatabase db = database.apply(dir)) {
      try (CohortStore store = open(db)) {
        store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "key-1");
        long run = store.startRun("full");
        store.save(
            "ehr",
            "p1",
            "included",
            "hash-1",
            Instant.parse("2026-01-02T03:04:05Z"),
            StoredOutcomes.write(included),
            run);
        store.save("ehr", "p2", "excluded", "hash-2", null, StoredOutcomes.write(excluded), run);
      }
      try (CohortStore store = open(db)) {
        List<MappingOutcome> read =
            store.outcomesBySource().get("ehr").stream().map(StoredOutcomes::read).toList();

        assertThat(read).containsExactly(included, excluded);
        assertThat(store.patients("ehr").get("p1"))
            .isEqualTo(new StoredPatient("p1", "included", "hash-1", false));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aSecondSyncFindsTheLockTakenAndIsToldByWhom(Function<Path, TestDatabase> database) {
    try (TestDatabase db = database.apply(dir);
        CohortStore first = open(db);
        CohortStore second = open(db);
        SyncLease held = first.lock("host-a pid 1", Duration.ofMinutes(2))) {
      held.attachRun(first.startRun("full"));

      assertThatThrownBy(() -> second.lock("host-b pid 2", Duration.ofMinutes(2)))
          .isInstanceOf(SyncLockedException.class)
          .hasMessageStartingWith(
              "Another sync is running (host-a pid 1, run 1); this one exits without doing anything");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aReleasedLockIsFreeAtOnce(Function<Path, TestDatabase> database) {
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db)) {
      store.lock("host-a pid 1", Duration.ofMinutes(2)).close();

      try (SyncLease again = store.lock("host-b pid 2", Duration.ofMinutes(2))) {
        assertThat(again.stillHeld()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void closingTheLeaseWaitsForARenewalInFlightAndLeavesTheStoreWorking(
      Function<Path, TestDatabase> database) throws Exception {
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db)) {
      SyncLease lease = store.lock("host-a pid 1", Duration.ofMillis(600)); // renewed every 200 ms
      try (LogCapture logs = LogCapture.start();
          Connection other = DriverManager.getConnection(db.url(), db.user(), "")) {
        other.setAutoCommit(false);
        try (Statement holdsTheRow = other.createStatement()) {
          holdsTheRow
              .executeQuery("SELECT owner FROM sync_lock WHERE lock_name = 'sync' FOR UPDATE")
              .close();
        }
        Thread.sleep(500); // a renewal now waits for the row
        Thread closing = new Thread(lease::close);
        closing.start();
        Thread.sleep(300);
        assertThat(closing.isAlive()).as("close waits for the renewal in flight").isTrue();
        other.commit();
        closing.join(10_000);
        assertThat(closing.isAlive()).isFalse();
        assertThat(logs.lines())
            .as("the renewal in flight was let finish, not interrupted")
            .filteredOn(line -> line.contains("SyncLease"))
            .isEmpty();
      }

      // Interrupting a renewal while it writes closes H2's file, and the database with it.
      try (SyncLease next = store.lock("host-b pid 2", Duration.ofMinutes(2))) {
        assertThat(next.stillHeld()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aKilledSyncsLockLapsesAndItsRunIsMarkedInterrupted(Function<Path, TestDatabase> database)
      throws Exception {
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db)) {
      SyncLease dead = store.lock("host-a pid 1", Duration.ofMillis(600));
      long deadRun = store.startRun("full");
      dead.attachRun(deadRun);
      dead.halt();
      assertThatThrownBy(() -> store.lock("host-b pid 2", Duration.ofMinutes(2)))
          .isInstanceOf(SyncLockedException.class);

      Thread.sleep(1_000);
      try (SyncLease next = store.lock("host-b pid 2", Duration.ofMinutes(2))) {
        assertThat(next.stillHeld()).isTrue();
        assertThat(store.runs(5))
            .filteredOn(r -> r.runId() == deadRun)
            .singleElement()
            .satisfies(r -> assertThat(r.status()).isEqualTo("interrupted"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theWatermarkMovesOnlyWithARunThatSaysSo(Function<Path, TestDatabase> database) {
    Instant mark = Instant.parse("2026-11-30T02:00:00Z");
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db);
        SyncLease lease = store.lock("host-a pid 1", Duration.ofMinutes(2))) {
      store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "key-1");
      long failed = store.startRun("full");
      store.finishRun(failed, lease, "failed", counts(), null, "publish refused", Map.of());
      assertThat(store.source("ehr").orElseThrow().watermark()).isEmpty();

      long published = store.startRun("full");
      store.finishRun(
          published,
          lease,
          "published",
          counts(),
          "https://registry/MeasureReport/1",
          null,
          Map.of("ehr", mark));

      assertThat(store.source("ehr").orElseThrow().watermark()).contains(mark);
      assertThat(store.runs(2))
          .extracting(SyncRunRecord::status)
          .containsExactly("published", "failed");
      assertThat(store.runs(2).get(1).message()).isEqualTo("publish refused");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aSyncThatLostItsLockCannotMoveTheWatermark(Function<Path, TestDatabase> database)
      throws Exception {
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db)) {
      store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "key-1");
      SyncLease paused = store.lock("host-a pid 1", Duration.ofMillis(600));
      long run = store.startRun("full");
      paused.halt();
      Thread.sleep(1_000);
      try (SyncLease other = store.lock("host-b pid 2", Duration.ofMinutes(2))) {
        assertThatThrownBy(
                () ->
                    store.finishRun(
                        run,
                        paused,
                        "published",
                        counts(),
                        null,
                        null,
                        Map.of("ehr", Instant.parse("2026-11-30T02:00:00Z"))))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("the watermark is left alone");
        assertThat(store.source("ehr").orElseThrow().watermark()).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aNewMappingKeyMakesEveryPatientMappedAgainAndANewServerStartsEmpty(
      Function<Path, TestDatabase> database) {
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db);
        SyncLease lease = store.lock("host-a pid 1", Duration.ofMinutes(2))) {
      store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "adapter 1");
      long run = store.startRun("full");
      store.save(
          "ehr",
          "p1",
          "included",
          "hash-1",
          null,
          StoredOutcomes.write(new MappingOutcome.Included(record("p1"), List.of())),
          run);
      store.finishRun(run, lease, "published", counts(), null, null, Map.of("ehr", Instant.now()));

      SourceState upgraded =
          store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "adapter 2");

      assertThat(upgraded.watermark()).isEmpty();
      assertThat(store.patients("ehr").get("p1"))
          .isEqualTo(new StoredPatient("p1", "included", null, true));

      store.registerSource("ehr", "https://other-ehr.example.org/fhir", "generic", "adapter 2");
      assertThat(store.patients("ehr")).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aPatientWhoseFetchFailedKeepsItsOutcomeAndIsFetchedNextTime(
      Function<Path, TestDatabase> database) {
    MappingOutcome included = new MappingOutcome.Included(record("p1"), List.of());
    try (TestDatabase db = database.apply(dir);
        CohortStore store = open(db)) {
      store.registerSource("ehr", "https://ehr.example.org/fhir", "generic", "key-1");
      long run = store.startRun("full");
      store.save("ehr", "p1", "included", "hash-1", null, StoredOutcomes.write(included), run);

      store.markNeedsFetch(
          "ehr", "p1", StoredOutcomes.write(new MappingOutcome.Unfetched("p1", "HTTP 503")), run);
      store.markNeedsFetch(
          "ehr", "p9", StoredOutcomes.write(new MappingOutcome.Unfetched("p9", "HTTP 503")), run);

      assertThat(store.patients("ehr").get("p1"))
          .isEqualTo(new StoredPatient("p1", "included", "hash-1", true));
      assertThat(store.patients("ehr").get("p9"))
          .isEqualTo(new StoredPatient("p9", "unfetched", null, true));
      assertThat(StoredOutcomes.read(store.outcomesBySource().get("ehr").get(0)))
          .isEqualTo(included);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theSchemaIsMigratedOnceAndRecorded(Function<Path, TestDatabase> database) throws Exception {
    try (TestDatabase db = database.apply(dir)) {
      open(db).close();
      open(db).close();
      try (Connection connection =
              DriverManager.getConnection(db.url(), db.user().isEmpty() ? null : db.user(), null);
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT \"version\", \"success\" FROM \"store_schema_history\" WHERE \"version\" IS NOT NULL"
                      + " AND \"version\" <> '0'")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("1");
        assertThat(rows.getBoolean(2)).isTrue();
        assertThat(rows.next()).as("one migration, applied once").isFalse();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void anUnreachableStoreIsNamedWithoutItsPassword() {
    assertThatThrownBy(
            () ->
                CohortStore.open(
                    "jdbc:postgresql://127.0.0.1:1/none?password=s3cret", "postgres", "s3cret"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "Cannot prepare the cohort store at jdbc:postgresql://127.0.0.1:1/none?password=(hidden)")
        .hasMessageNotContaining("s3cret");
  }

  @org.junit.jupiter.api.Test
  void aDatabaseMessageLosesTheRowValuesItQuotes() {
    java.sql.SQLException h2 =
        new java.sql.SQLException(
            "Unique index or primary key violation: \"PUBLIC.PK ON"
                + " PUBLIC.PATIENT_STATE(SOURCE_NAME, PATIENT_ID) VALUES ( /* key:1 */ 'default', 'd001')\"; SQL statement:");
    java.sql.SQLException postgres =
        new java.sql.SQLException(
            "ERROR: duplicate key value violates unique constraint"
                + " \"patient_state_pkey\"\n  Detail: Key (source_name, patient_id)=(default, d001) already exists.");

    assertThat(CohortStore.firstLine(h2))
        .doesNotContain("d001")
        .startsWith("Unique index or primary key violation");
    assertThat(CohortStore.firstLine(postgres))
        .doesNotContain("d001")
        .endsWith("\"patient_state_pkey\"");
  }

  private static CohortStore open(TestDatabase db) {
    return CohortStore.open(db.url(), db.user(), "");
  }

  private static SyncCounts counts() {
    return new SyncCounts(2, 2, 2, 0, 0, 0, 1, 1);
  }

  private static ResourceFinding warning(String resource) {
    return new ResourceFinding(
        resource,
        "llm-liver-metastasis",
        new ValidationIssue(
            ValidationIssue.Severity.WARNING, "Condition.bodySite", "no body site", "llm-cond-3"));
  }

  private static CaseRecord record(String id) {
    return new CaseRecord(
        id,
        "female",
        61,
        LocalDate.of(2010, 11, 15),
        true,
        843,
        804,
        3.1,
        1,
        true,
        "responded",
        false,
        null,
        1882,
        true,
        290,
        true,
        "lung-only");
  }
}
