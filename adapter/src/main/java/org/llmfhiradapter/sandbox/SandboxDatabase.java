package org.llmfhiradapter.sandbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * Where an embedded server keeps its data: an in-memory H2 database (the default), or a schema of
 * its own in a PostgreSQL database, made when the server starts and dropped when it stops (so two
 * servers never share tables, and nothing is left behind).
 *
 * @param url the JDBC URL the server uses (for PostgreSQL, with {@code currentSchema} set to its
 *     schema); empty for H2
 * @param schema the server's PostgreSQL schema; empty for H2
 */
record SandboxDatabase(String url, String schema, String password) {

  boolean postgres() {
    return !schema.isEmpty();
  }

  /** The database for a configured URL (empty: H2 in memory). */
  static SandboxDatabase open(String configuredUrl, String password) {
    if (configuredUrl == null || configuredUrl.isEmpty()) {
      return new SandboxDatabase("", "", "");
    }
    String schema = "llm_sandbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String secret = password == null ? "" : password;
    try (Connection connection = connect(configuredUrl, secret);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new SandboxException(
          "The embedded FHIR server cannot make its schema in "
              + withoutQuery(configuredUrl)
              + ": "
              + e.getMessage(),
          e);
    }
    String url =
        configuredUrl + (configuredUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new SandboxDatabase(url, schema, secret);
  }

  /** Drops the server's schema (PostgreSQL); nothing to do for H2, which goes with the JVM. */
  void drop() {
    if (!postgres()) {
      return;
    }
    try (Connection connection = connect(url, password);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println(
          "The embedded FHIR server's schema "
              + schema
              + " could not be dropped: "
              + e.getMessage());
    }
  }

  private static Connection connect(String url, String password) throws SQLException {
    Properties properties = new Properties();
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection(url, properties);
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  @Override
  public String toString() {
    return "SandboxDatabase["
        + (postgres() ? withoutQuery(url) + " schema " + schema : "H2 in memory")
        + "]";
  }
}
