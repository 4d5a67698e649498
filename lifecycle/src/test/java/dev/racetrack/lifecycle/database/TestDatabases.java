package dev.racetrack.lifecycle.database;

import dev.racetrack.testsupport.PostgresFixture;

/** Lifecycle's database on a test's PostgreSQL schema, opened as the platform opens it. */
public final class TestDatabases {
  private TestDatabases() {}

  /** Where {@code postgres}'s schema is. */
  public static JdbcTarget target(PostgresFixture postgres) {
    return new JdbcTarget(
        postgres.jdbcUrl(), postgres.user(), postgres.password(), postgres.schema());
  }

  /** The database on {@code postgres}'s schema, migrated, with a pool of {@code maxPoolSize}. */
  public static Database open(PostgresFixture postgres, int maxPoolSize) {
    return Database.open(target(postgres), maxPoolSize);
  }
}
