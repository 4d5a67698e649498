package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.DatabaseSettings;
import dev.racetrack.lifecycle.database.EmbeddedPostgresServer;
import dev.racetrack.lifecycle.database.JdbcTarget;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The registry database for admin commands, with the platform up or down: an external database is
 * used directly; the embedded one is joined while the platform runs it, or started for the
 * command's duration when the platform is down.
 */
final class AdminDatabase implements AutoCloseable {
  private final Database database;
  private final Optional<EmbeddedPostgresServer> started;

  private AdminDatabase(Database database, Optional<EmbeddedPostgresServer> started) {
    this.database = database;
    this.started = started;
  }

  static AdminDatabase open(DatabaseSettings settings, Path dataDir) {
    if (settings.external().isPresent()) {
      return new AdminDatabase(Database.open(settings.external().get(), 2), Optional.empty());
    }
    Optional<Integer> runningPort = runningEmbeddedPort(dataDir.resolve("postgres"));
    if (runningPort.isPresent()) {
      String password =
          SecretBox.readOrCreateKey(dataDir.resolve("keys").resolve("postgres-password"), 24);
      JdbcTarget target =
          new JdbcTarget(
              "jdbc:postgresql://localhost:" + runningPort.get() + "/postgres",
              "postgres",
              password,
              DatabaseSettings.DEFAULT_SCHEMA);
      return new AdminDatabase(Database.open(target, 2), Optional.empty());
    }
    if (!Files.isDirectory(dataDir.resolve("postgres"))) {
      throw new ValidationException(
          "no Racetrack database in "
              + dataDir
              + " (set RACETRACK_DATA_DIR, or the database settings of an external one)");
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir);
    try {
      return new AdminDatabase(
          Database.open(server.target(DatabaseSettings.DEFAULT_SCHEMA), 2), Optional.of(server));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The port of the embedded PostgreSQL a running platform has (line 4 of postmaster.pid). */
  static Optional<Integer> runningEmbeddedPort(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      long pid = Long.parseLong(lines.getFirst().strip());
      if (lines.size() < 4
          || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false).equals(false)) {
        return Optional.empty();
      }
      return Optional.of(Integer.parseInt(lines.get(3).strip()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  Database database() {
    return database;
  }

  @Override
  public void close() {
    database.close();
    started.ifPresent(EmbeddedPostgresServer::close);
  }
}
