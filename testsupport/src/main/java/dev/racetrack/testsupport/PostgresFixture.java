package dev.racetrack.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for integration tests: one embedded server per JVM, and a fresh, empty schema
 * for each fixture.
 */
public final class PostgresFixture implements AutoCloseable {
  private static EmbeddedPostgres server;

  private final String schema;

  private PostgresFixture(String schema) {
    this.schema = schema;
  }

  /** A fixture with a new schema of its own. */
  public static synchronized PostgresFixture start() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
      }
    }
    return new PostgresFixture(
        "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
  }

  public String user() {
    return "postgres";
  }

  public String password() {
    return "";
  }

  /** The fixture's schema (created by the code under test, e.g. Flyway). */
  public String schema() {
    return schema;
  }

  @Override
  public void close() {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop schema " + schema, e);
    }
  }
}
