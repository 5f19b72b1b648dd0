package org.llmfhiradapter.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The cohort store over one JDBC connection (H2 or PostgreSQL), its schema brought up to date by
 * Flyway when opened. Every method commits before it returns, so a sync killed at any point leaves
 * what it had stored; {@link #finishRun} is the one multi-statement transaction (the run's end and
 * the watermarks move together). Thread-safe: the pull's threads save patients through one
 * connection, one statement at a time.
 */
public final class CohortStore implements AutoCloseable {

  /** Where the migrations live on the classpath. */
  static final String MIGRATIONS = "classpath:db/store";

  private final String where;
  private final Connection connection;

  private CohortStore(String where, Connection connection) {
    this.where = where;
    this.connection = connection;
  }

  /**
   * Opens the store, creating or upgrading its schema.
   *
   * @param password empty for none
   * @throws StoreException naming the store (its URL without credentials) and what failed
   */
  public static CohortStore open(String configuredUrl, String user, String password) {
    String url = durable(configuredUrl);
    String where = redact(configuredUrl);
    try {
      Flyway.configure()
          .dataSource(url, emptyToNull(user), emptyToNull(password))
          .locations(MIGRATIONS)
          .table("store_schema_history")
          // A database shared with other applications may hold their tables: the store's own
          // history table says which migrations ran, so an existing, non-empty schema is taken as
          // the starting point.
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException(
          "Cannot prepare the cohort store at " + where + ": " + firstLine(e), e);
    }
    try {
      Connection connection =
          DriverManager.getConnection(url, emptyToNull(user), emptyToNull(password));
      connection.setAutoCommit(true);
      return new CohortStore(where, connection);
    } catch (SQLException e) {
      throw new StoreException("Cannot open the cohort store at " + where + ": " + firstLine(e), e);
    }
  }

  /**
   * An H2 URL that writes every commit to its file at once. H2 otherwise flushes commits in the
   * background up to a second later, and a sync killed in that second (kill -9) would lose outcomes
   * it had stored, or worse, a watermark it had moved.
   */
  static String durable(String url) {
    if (url.startsWith("jdbc:h2:")
        && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
      return url + ";WRITE_DELAY=0";
    }
    return url;
  }

  /** The store's URL without credentials, for messages. */
  public String where() {
    return where;
  }

  // --- the lock
  // ------------------------------------------------------------------------------------------

  /**
   * Takes the sync lock for {@code lease}, renewed by the returned lease until it is closed.
   *
   * @param owner who takes it (host and process), shown to a sync that finds it taken
   * @throws SyncLockedException when another sync holds a lease that has not lapsed
   */
  public SyncLease lock(String owner, java.time.Duration lease) {
    transaction(
        "taking the sync lock",
        () -> {
          OffsetDateTime now = databaseNow();
          String previousOwner = null;
          Long previousRun = null;
          OffsetDateTime expires = null;
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT owner, run_id, expires_at FROM sync_lock WHERE lock_name = 'sync' FOR UPDATE");
              ResultSet rows = select.executeQuery()) {
            if (rows.next()) {
              previousOwner = rows.getString(1);
              previousRun = (Long) rows.getObject(2, Long.class);
              expires = rows.getObject(3, OffsetDateTime.class);
            }
          }
          if (previousOwner != null && expires != null && expires.isAfter(now)) {
            throw new SyncLockedException(
                "Another sync is running ("
                    + previousOwner
                    + (previousRun == null ? "" : ", run " + previousRun)
                    + "); this one exits without doing anything. If that process is gone, its lock lapses at "
                    + expires.withOffsetSameInstant(ZoneOffset.UTC)
                    + " (llm.sync.lock-seconds after its last renewal)");
          }
          if (previousOwner != null && previousRun != null) {
            // Its lease lapsed: that sync died. Its run ends here, as interrupted.
            long deadRun = previousRun;
            update(
                "closing a dead sync's run",
                "UPDATE sync_run SET status = 'interrupted', ended_at = ? WHERE run_id = ? AND status = 'running'",
                ps -> {
                  ps.setObject(1, now);
                  ps.setLong(2, deadRun);
                });
          }
          update(
              "taking the sync lock",
              "UPDATE sync_lock SET owner = ?, run_id = NULL, acquired_at = ?, expires_at = ? WHERE lock_name = 'sync'",
              ps -> {
                ps.setString(1, owner);
                ps.setObject(2, now);
                ps.setObject(3, now.plus(lease));
              });
          return null;
        });
    return new SyncLease(this, owner, lease);
  }

  /**
   * Extends the lease; false when this owner no longer holds it (it lapsed and another sync took
   * it).
   */
  boolean renew(String owner, java.time.Duration lease) {
    return update(
            "renewing the sync lock",
            "UPDATE sync_lock SET expires_at = ? WHERE lock_name = 'sync' AND owner = ?",
            ps -> {
              ps.setObject(1, databaseNow().plus(lease));
              ps.setString(2, owner);
            })
        == 1;
  }

  /**
   * Names the run the lock holder is doing, so that a sync taking over a lapsed lock can close that
   * run.
   */
  void attachRun(String owner, long runId) {
    update(
        "noting the run on the sync lock",
        "UPDATE sync_lock SET run_id = ? WHERE lock_name = 'sync' AND owner = ?",
        ps -> {
          ps.setLong(1, runId);
          ps.setString(2, owner);
        });
  }

  void release(String owner) {
    update(
        "releasing the sync lock",
        "UPDATE sync_lock SET owner = NULL, run_id = NULL, acquired_at = NULL, expires_at = NULL"
            + " WHERE lock_name = 'sync' AND owner = ?",
        ps -> ps.setString(1, owner));
  }

  // --- sources
  // -------------------------------------------------------------------------------------------

  /**
   * Records a source as configured now. A source whose base URL changed is another server: its
   * stored patients are dropped. One whose mapping key changed (new adapter version, profiles or
   * cut-off) keeps its patients, but they are all fetched and mapped again at the next sync.
   */
  public SourceState registerSource(String name, String baseUrl, String vendor, String mappingKey) {
    synchronized (connection) {
      Optional<SourceState> known = source(name);
      if (known.isEmpty()) {
        update(
            "adding source " + name,
            "INSERT INTO source_state (source_name, base_url, vendor, mapping_key) VALUES (?, ?, ?, ?)",
            ps -> {
              ps.setString(1, name);
              ps.setString(2, baseUrl);
              ps.setString(3, vendor);
              ps.setString(4, mappingKey);
            });
        return source(name).orElseThrow();
      }
      SourceState state = known.get();
      if (!state.baseUrl().equals(baseUrl)) {
        update(
            "dropping the patients of source " + name,
            "DELETE FROM patient_state WHERE source_name = ?",
            ps -> ps.setString(1, name));
      } else if (!state.mappingKey().equals(mappingKey)) {
        update(
            "marking source " + name + " for a full sync",
            "UPDATE patient_state SET content_hash = NULL, needs_fetch = TRUE WHERE source_name = ?",
            ps -> ps.setString(1, name));
      }
      boolean moved = !state.baseUrl().equals(baseUrl);
      if (moved || !state.mappingKey().equals(mappingKey) || !state.vendor().equals(vendor)) {
        update(
            "updating source " + name,
            "UPDATE source_state SET base_url = ?, vendor = ?, mapping_key = ?, watermark = NULL WHERE source_name = ?",
            ps -> {
              ps.setString(1, baseUrl);
              ps.setString(2, vendor);
              ps.setString(3, mappingKey);
              ps.setString(4, name);
            });
      }
      return source(name).orElseThrow();
    }
  }

  public Optional<SourceState> source(String name) {
    return query(
            "reading source " + name,
            "SELECT source_name, base_url, vendor, mapping_key, watermark FROM source_state WHERE source_name = ?",
            ps -> ps.setString(1, name),
            rows ->
                new SourceState(
                    rows.getString(1),
                    rows.getString(2),
                    rows.getString(3),
                    rows.getString(4),
                    Optional.ofNullable(rows.getObject(5, OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)))
        .stream()
        .findFirst();
  }

  // --- patients
  // ------------------------------------------------------------------------------------------

  /** The stored patients of a source, by Patient id. */
  public Map<String, StoredPatient> patients(String source) {
    Map<String, StoredPatient> byId = new LinkedHashMap<>();
    for (StoredPatient patient :
        query(
            "reading the patients of source " + source,
            "SELECT patient_id, status, content_hash, needs_fetch FROM patient_state WHERE source_name = ?"
                + " ORDER BY patient_id",
            ps -> ps.setString(1, source),
            rows ->
                new StoredPatient(
                    rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4)))) {
      byId.put(patient.patientId(), patient);
    }
    return byId;
  }

  /**
   * Stores a patient's outcome as mapped now (insert or replace), committed at once.
   *
   * @param status included, excluded or unfetched
   * @param contentHash hash of the resources it was mapped from (null when they could not be
   *     fetched)
   * @param lastUpdated newest meta.lastUpdated of the resources, if the server gave any
   * @param outcome the outcome as {@link StoredOutcomes} writes it
   */
  public void save(
      String source,
      String patientId,
      String status,
      String contentHash,
      Instant lastUpdated,
      String outcome,
      long runId) {
    OffsetDateTime updated = lastUpdated == null ? null : lastUpdated.atOffset(ZoneOffset.UTC);
    synchronized (connection) {
      int rows =
          update(
              "storing a patient",
              "UPDATE patient_state SET status = ?, needs_fetch = FALSE, last_updated = ?, content_hash = ?,"
                  + " outcome = ?, run_id = ? WHERE source_name = ? AND patient_id = ?",
              ps -> {
                ps.setString(1, status);
                setTimestamp(ps, 2, updated);
                ps.setString(3, contentHash);
                ps.setString(4, outcome);
                ps.setLong(5, runId);
                ps.setString(6, source);
                ps.setString(7, patientId);
              });
      if (rows == 0) {
        update(
            "storing a patient",
            "INSERT INTO patient_state (source_name, patient_id, status, needs_fetch, last_updated, content_hash,"
                + " outcome, run_id) VALUES (?, ?, ?, FALSE, ?, ?, ?, ?)",
            ps -> {
              ps.setString(1, source);
              ps.setString(2, patientId);
              ps.setString(3, status);
              setTimestamp(ps, 4, updated);
              ps.setString(5, contentHash);
              ps.setString(6, outcome);
              ps.setLong(7, runId);
            });
      }
    }
  }

  /**
   * A patient whose fetch failed (under allow-partial): its stored outcome, if any, stays in the
   * cohort and it is fetched again at the next sync; a patient never fetched is stored as
   * unfetched.
   */
  public void markNeedsFetch(String source, String patientId, String unfetchedOutcome, long runId) {
    synchronized (connection) {
      int rows =
          update(
              "marking a patient for the next sync",
              "UPDATE patient_state SET needs_fetch = TRUE WHERE source_name = ? AND patient_id = ?",
              ps -> {
                ps.setString(1, source);
                ps.setString(2, patientId);
              });
      if (rows == 0) {
        save(source, patientId, "unfetched", null, null, unfetchedOutcome, runId);
        update(
            "marking a patient for the next sync",
            "UPDATE patient_state SET needs_fetch = TRUE WHERE source_name = ? AND patient_id = ?",
            ps -> {
              ps.setString(1, source);
              ps.setString(2, patientId);
            });
      }
    }
  }

  /** A patient fetched again without a change: the mark to fetch it again is cleared. */
  public void clearNeedsFetch(String source, String patientId) {
    update(
        "clearing a patient's mark",
        "UPDATE patient_state SET needs_fetch = FALSE WHERE source_name = ? AND patient_id = ?",
        ps -> {
          ps.setString(1, source);
          ps.setString(2, patientId);
        });
  }

  /** Drops patients that are no longer candidates; returns how many were stored. */
  public int remove(String source, Collection<String> patientIds) {
    int removed = 0;
    for (String id : patientIds) {
      removed +=
          update(
              "removing a patient",
              "DELETE FROM patient_state WHERE source_name = ? AND patient_id = ?",
              ps -> {
                ps.setString(1, source);
                ps.setString(2, id);
              });
    }
    return removed;
  }

  /**
   * Every stored outcome by source name (sources in name order, patients in id order), as {@link
   * StoredOutcomes} wrote them.
   */
  public Map<String, List<String>> outcomesBySource() {
    Map<String, List<String>> bySource = new LinkedHashMap<>();
    for (String[] row :
        query(
            "reading the stored cohort",
            "SELECT source_name, outcome FROM patient_state ORDER BY source_name, patient_id",
            ps -> {},
            rows -> new String[] {rows.getString(1), rows.getString(2)})) {
      bySource.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
    }
    return bySource;
  }

  // --- runs
  // ----------------------------------------------------------------------------------------------

  /** Starts a run's record; returns its id. */
  public long startRun(String mode) {
    synchronized (connection) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO sync_run (started_at, status, mode) VALUES (?, 'running', ?)",
              new String[] {"run_id"})) {
        insert.setObject(1, databaseNow());
        insert.setString(2, mode);
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      } catch (SQLException e) {
        throw failure("starting a run", e);
      }
    }
  }

  /**
   * Ends a run, in one transaction with moving the watermarks (only a run that published, or
   * computed with publishing off, moves them), and only while {@code lease} still holds the lock.
   *
   * @param watermarks new watermark per source name; empty to leave them alone (a failed run)
   * @throws StoreException when the lock was lost meanwhile: nothing is changed
   */
  public void finishRun(
      long runId,
      SyncLease lease,
      String status,
      SyncCounts counts,
      String reportUrl,
      String message,
      Map<String, Instant> watermarks) {
    transaction(
        "ending the run",
        () -> {
          if (lease != null && !lease.stillHeld()) {
            throw new StoreException(
                "The sync lock lapsed before the run ended (was the process paused longer than llm.sync.lock-seconds?);"
                    + " the watermark is left alone, the next sync repeats this one");
          }
          OffsetDateTime now = databaseNow();
          update(
              "ending the run",
              "UPDATE sync_run SET ended_at = ?, status = ?, candidates = ?, fetched = ?, added = ?, changed = ?,"
                  + " removed = ?, unchanged = ?, included = ?, excluded = ?, report_url = ?, message = ? WHERE run_id = ?",
              end -> {
                end.setObject(1, now);
                end.setString(2, status);
                setInt(end, 3, counts == null ? null : counts.candidates());
                setInt(end, 4, counts == null ? null : counts.fetched());
                setInt(end, 5, counts == null ? null : counts.added());
                setInt(end, 6, counts == null ? null : counts.changed());
                setInt(end, 7, counts == null ? null : counts.removed());
                setInt(end, 8, counts == null ? null : counts.unchanged());
                setInt(end, 9, counts == null ? null : counts.included());
                setInt(end, 10, counts == null ? null : counts.excluded());
                end.setString(11, reportUrl);
                end.setString(12, message == null ? null : truncate(message, 2000));
                end.setLong(13, runId);
              });
          for (Map.Entry<String, Instant> mark : watermarks.entrySet()) {
            update(
                "moving the watermark of source " + mark.getKey(),
                "UPDATE source_state SET watermark = ? WHERE source_name = ?",
                move -> {
                  move.setObject(1, mark.getValue().atOffset(ZoneOffset.UTC));
                  move.setString(2, mark.getKey());
                });
          }
          return null;
        });
  }

  /** The latest runs, newest first. */
  public List<SyncRunRecord> runs(int limit) {
    return query(
        "reading the runs",
        "SELECT run_id, started_at, ended_at, status, mode, candidates, fetched, added, changed, removed, unchanged,"
            + " included, excluded, report_url, message FROM sync_run ORDER BY run_id DESC",
        ps -> ps.setMaxRows(limit),
        rows ->
            new SyncRunRecord(
                rows.getLong(1),
                rows.getObject(2, OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rows.getObject(3, OffsetDateTime.class))
                    .map(OffsetDateTime::toInstant),
                rows.getString(4),
                rows.getString(5),
                new SyncCounts(
                    rows.getInt(6),
                    rows.getInt(7),
                    rows.getInt(8),
                    rows.getInt(9),
                    rows.getInt(10),
                    rows.getInt(11),
                    rows.getInt(12),
                    rows.getInt(13)),
                rows.getString(14),
                rows.getString(15)));
  }

  @Override
  public void close() {
    synchronized (connection) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing is best effort; every write was committed when it was made.
      }
    }
  }

  // --- JDBC plumbing
  // -------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: all of it is committed, or none (its exception passes
   * on).
   */
  private <T> T transaction(String step, Work<T> work) {
    synchronized (connection) {
      try {
        connection.setAutoCommit(false);
        try {
          T result = work.run();
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw failure(step, e);
      }
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private int update(String step, String sql, Binder binder) {
    synchronized (connection) {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        binder.bind(ps);
        return ps.executeUpdate();
      } catch (SQLException e) {
        throw failure(step, e);
      }
    }
  }

  private <T> List<T> query(String step, String sql, Binder binder, Row<T> row) {
    synchronized (connection) {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        binder.bind(ps);
        List<T> found = new ArrayList<>();
        try (ResultSet rows = ps.executeQuery()) {
          while (rows.next()) {
            found.add(row.read(rows));
          }
        }
        return found;
      } catch (SQLException e) {
        throw failure(step, e);
      }
    }
  }

  /** The database's clock: leases compare times of one clock, whichever machine a sync runs on. */
  private OffsetDateTime databaseNow() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT CURRENT_TIMESTAMP");
        ResultSet rows = ps.executeQuery()) {
      rows.next();
      return rows.getObject(1, OffsetDateTime.class);
    }
  }

  private static void setTimestamp(PreparedStatement ps, int index, OffsetDateTime value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, value);
    }
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  private StoreException failure(String step, SQLException e) {
    return new StoreException("Cohort store " + where + ", " + step + ": " + firstLine(e), e);
  }

  /**
   * The database's message up to what would quote row values: H2 and PostgreSQL put the key of a
   * violated constraint (a patient's record id) and the statement after it, and those stay out of
   * logs.
   */
  static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    for (String cut : new String[] {"\n", " VALUES ", "; SQL statement", "Detail:", " Key ("}) {
      int at = message.indexOf(cut);
      if (at >= 0) {
        message = message.substring(0, at);
      }
    }
    return message.strip();
  }

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * A JDBC URL without a password or user given in it (PostgreSQL and H2 both allow them as
   * parameters).
   */
  static String redact(String url) {
    return url.replaceAll("(?i)(password|user)=[^&;]*", "$1=(hidden)");
  }
}
