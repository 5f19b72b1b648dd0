package org.llmfhiradapter.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the cohort store runs on, for tests: an H2 file in a temporary folder, and
 * PostgreSQL at 127.0.0.1:5432 (user postgres, database test) in a schema of its own that is
 * dropped afterwards.
 *
 * <p>With {@value #REQUIRE_ENV}=required (as {@code .ci/run} sets it) a PostgreSQL that cannot be
 * reached fails the test; without, the PostgreSQL tests are skipped on a machine that has none.
 */
public final class TestDatabases {

  /** Environment variable that makes PostgreSQL required. */
  public static final String REQUIRE_ENV = "LLM_TEST_POSTGRES";

  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

  private TestDatabases() {}

  /** A database for one test. */
  public record TestDatabase(String name, String url, String user, Runnable drop)
      implements AutoCloseable {
    @Override
    public void close() {
      drop.run();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public static TestDatabase h2(Path dir) {
    return new TestDatabase(
        "H2",
        "jdbc:h2:file:"
            + dir.resolve("store-" + UUID.randomUUID()).toAbsolutePath()
            + ";AUTO_SERVER=TRUE",
        "",
        () -> {});
  }

  /**
   * A fresh schema on the local PostgreSQL; skipped or failed (see the class comment) when there is
   * none.
   */
  public static TestDatabase postgres() {
    String schema = "llm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String why =
          "PostgreSQL at " + POSTGRES + " (user postgres) cannot be reached: " + e.getMessage();
      if ("required".equalsIgnoreCase(System.getenv(REQUIRE_ENV))) {
        throw new AssertionError(why + " (" + REQUIRE_ENV + "=required)", e);
      }
      Assumptions.abort(why + "; set " + REQUIRE_ENV + "=required to make this a failure");
    }
    return new TestDatabase(
        "PostgreSQL",
        POSTGRES + "?currentSchema=" + schema,
        "postgres",
        () -> {
          try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", null);
              Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
          } catch (SQLException e) {
            throw new IllegalStateException("dropping test schema " + schema, e);
          }
        });
  }
}
