package dev.racetrack.lifecycle.backup;

import dev.racetrack.lifecycle.database.JdbcTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The database side of a restore: rows are loaded into the schema version they were dumped from
 * (migrations up to it, no further), and later migrations run over the restored rows afterwards, as
 * they would have over the original database.
 */
public final class RestoreDatabase {
  private RestoreDatabase() {}

  /**
   * Refuses a backup newer than this platform's migrations, or a database already in use; then
   * migrates the (empty) database to exactly the backup's schema version.
   */
  public static void prepare(JdbcTarget target, String platformVersion, String schemaVersion) {
    MigrationVersion wanted = MigrationVersion.fromVersion(schemaVersion);
    Flyway latest = flyway(target).load();
    MigrationVersion newest =
        Arrays.stream(latest.info().all())
            .map(MigrationInfo::getVersion)
            .filter(Objects::nonNull)
            .max(MigrationVersion::compareTo)
            .orElse(MigrationVersion.EMPTY);
    if (wanted.compareTo(newest) > 0) {
      throw new BackupException(
          "the backup's database schema is version "
              + schemaVersion
              + ", newer than this platform's ("
              + newest.getVersion()
              + "): restore it with Racetrack "
              + platformVersion
              + " or newer; nothing was changed");
    }
    MigrationInfo current = latest.info().current();
    if (current != null) {
      requireEmpty(target);
      if (current.getVersion().compareTo(wanted) > 0) {
        throw new BackupException(
            "database schema "
                + target.schema()
                + " is already at version "
                + current.getVersion().getVersion()
                + ", newer than the backup's "
                + schemaVersion
                + ": restore into a new, empty schema or database");
      }
    }
    flyway(target).target(wanted).load().migrate();
  }

  /** Applies the migrations newer than the backup. */
  public static void migrateToLatest(JdbcTarget target) {
    flyway(target).load().migrate();
  }

  /** A plain connection to the target's schema. */
  public static Connection connect(JdbcTarget target) throws SQLException {
    Connection connection =
        DriverManager.getConnection(target.url(), target.user(), target.password());
    connection.setSchema(target.schema());
    return connection;
  }

  private static void requireEmpty(JdbcTarget target) {
    try (Connection connection = connect(target)) {
      long rows = DatabaseDump.userRows(connection, target.schema());
      if (rows > 0) {
        throw new BackupException(
            "database schema "
                + target.schema()
                + " is in use ("
                + rows
                + " users, jobs or deployments): restore into a fresh database; nothing was changed");
      }
    } catch (SQLException e) {
      throw new BackupException("cannot read the database: " + e.getMessage(), e);
    }
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(JdbcTarget target) {
    return Flyway.configure()
        .dataSource(target.url(), target.user(), target.password())
        .schemas(target.schema())
        .createSchemas(true)
        .locations("classpath:db/migration");
  }
}
