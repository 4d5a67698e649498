package dev.racetrack.lifecycle.database;

import dev.racetrack.model.AtomicFiles;
import dev.racetrack.spi.SecretBox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of the default set-up: real PostgreSQL binaries (zonky), data kept in
 * {@code DATA_DIR/postgres} across restarts, listening on loopback only with a password kept in
 * {@code DATA_DIR/keys}. A server left running by a crashed platform is stopped before starting.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String HBA_MARKER = "# racetrack: password authentication on loopback";
  private static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /** Starts (initialising on first use) the embedded server of the data directory. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    Path pgData = dataDir.resolve("postgres");
    Path logFile = dataDir.resolve("logs").resolve("postgres.log");
    String password =
        SecretBox.readOrCreateKey(dataDir.resolve("keys").resolve("postgres-password"), 24);
    try {
      Files.createDirectories(logFile.getParent());
      stopStaleServer(pgData);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(dataDir.resolve("cache").toFile())
              .setServerConfig("listen_addresses", "localhost")
              .setServerConfig("unix_socket_directories", "")
              .setServerConfig("max_connections", "100")
              .setServerConfig("synchronous_commit", "on")
              .setConnectConfig("password", password)
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setPGStartupWait(Duration.ofSeconds(60))
              .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, password);
      server.requirePassword(pgData);
      LOG.info(
          "embedded PostgreSQL running on 127.0.0.1:{} with data in {}",
          postgres.getPort(),
          pgData);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the embedded PostgreSQL in "
              + pgData
              + " (see "
              + logFile
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Stops a postmaster whose pid file is still in the data directory: what a killed platform leaves
   * behind. Waits for it to finish shutting down.
   */
  static void stopStaleServer(Path pgData) throws IOException {
    Optional<ProcessHandle> stale = staleProcess(pgData);
    if (stale.isEmpty()) {
      return;
    }
    ProcessHandle process = stale.get();
    LOG.warn(
        "stopping PostgreSQL (pid {}) left running by a previous platform process", process.pid());
    process.destroy(); // SIGTERM: "smart" shutdown, the dead platform's connections are gone
    try {
      process.onExit().get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("PostgreSQL (pid {}) did not stop in 20 s, killing it", process.pid());
      process.destroyForcibly();
      process.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping a stale PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new IOException("cannot stop a stale PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static Optional<ProcessHandle> staleProcess(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(lines.getFirst().strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Sets the superuser's password and switches authentication from trust to scram (once). */
  private void requirePassword(Path pgData) throws IOException {
    Path hba = pgData.resolve("pg_hba.conf");
    if (Files.readString(hba).contains(HBA_MARKER)) {
      return;
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("ALTER USER " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
      AtomicFiles.write( // a crash mid-write must not leave PostgreSQL without its rules
          hba,
          HBA_MARKER
              + "\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IOException("cannot secure the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** Connection details of the running server. */
  public JdbcTarget target(String schema) {
    return new JdbcTarget(
        "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", USER, password, schema);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
