package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.testing.TestDatabases;

/**
 * {@code llm.sandbox.database-url}: the embedded server keeps its data in PostgreSQL, in a schema
 * of its own that is gone when the server stops.
 */
class SandboxOnPostgresIT {

  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  @Test
  void theServerKeepsItsDataInASchemaOfItsOwnAndDropsItWhenItStops() throws Exception {
    try (TestDatabases.TestDatabase reachable = TestDatabases.postgres()) {
      // (fails when PostgreSQL is required and absent; the schema it made is not the server's)
    }
    List<String> before = sandboxSchemas();
    SandboxServer server = SandboxServer.start(0, VendorPersonality.Kind.NONE, URL);
    try {
      SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));

      assertThat(SandboxData.count(server, "Patient", "_lastUpdated=gt2000-01-01")).isEqualTo(12);
      List<String> during = sandboxSchemas();
      during.removeAll(before);
      assertThat(during).as("the server's own schema").hasSize(1);
      assertThat(tables(during.get(0))).contains("hfj_resource");
    } finally {
      server.close();
    }
    assertThat(sandboxSchemas()).as("dropped at stop").containsExactlyInAnyOrderElementsOf(before);
  }

  private static List<String> sandboxSchemas() throws Exception {
    return query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'llm_sandbox_%'");
  }

  private static List<String> tables(String schema) throws Exception {
    return query("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'");
  }

  private static List<String> query(String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(URL);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
