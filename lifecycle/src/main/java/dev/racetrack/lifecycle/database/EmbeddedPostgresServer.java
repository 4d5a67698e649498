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

  /** How long {@link #close} waits for the server to finish shutting down. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  private final String password;
  private final Optional<ProcessHandle> postmaster;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres, String password, Optional<ProcessHandle> postmaster) {
    this.postgres = postgres;
    this.password = password;
    this.postmaster = postmaster;
  }

  /**
   * Starts (initialising on first use) the embedded server of the data directory; it also stops
   * when the JVM exits (an admin command interrupted with Ctrl-C).
   */
  public static EmbeddedPostgresServer start(Path dataDir) {
    return start(dataDir, true);
  }

  /**
   * Starts the embedded server; with {@code stopAtExit} false the caller's {@link #close} is the
   * only stop: the platform closes it last, from its own shutdown hook, after PUB and lifecycle are
   * done with the database (a hook of its own would stop it at once, in parallel with theirs).
   */
  public static EmbeddedPostgresServer start(Path dataDir, boolean stopAtExit) {
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
              .setRegisterShutdownHook(stopAtExit)
              .start();
      EmbeddedPostgresServer server =
          new EmbeddedPostgresServer(postgres, password, runningPostmaster(pgData));
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
    Optional<ProcessHandle> stale = runningPostmaster(pgData);
    if (stale.isEmpty()) {
      return;
    }
    ProcessHandle process = stale.get();
    LOG.warn(
        "stopping PostgreSQL (pid {}) left running by a previous platform process", process.pid());
    process.destroy(); // SIGTERM: "smart" shutdown, the dead platform's connections are gone
    try {
      if (!ended(process, Duration.ofSeconds(20))) {
        LOG.warn("PostgreSQL (pid {}) did not stop in 20 s, killing it", process.pid());
        process.destroyForcibly();
        if (!ended(process, STOP_WAIT)) {
          throw new IOException(
              "PostgreSQL (pid " + process.pid() + ") still running after SIGKILL");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping a stale PostgreSQL", e);
    }
  }

  /** The postmaster whose pid file is in the data directory, if it is running. */
  private static Optional<ProcessHandle> runningPostmaster(Path pgData) throws IOException {
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
          .filter(p -> p.isAlive() && !zombie(p.pid()))
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

  /**
   * Stops the server and waits until its process has ended (up to a minute): zonky's stop gives up
   * after 5 s and leaves a slow shutdown running, still writing the data directory.
   */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
    postmaster.ifPresent(EmbeddedPostgresServer::awaitEnd);
  }

  private static void awaitEnd(ProcessHandle process) {
    try {
      if (!ended(process, STOP_WAIT)) {
        LOG.warn(
            "embedded PostgreSQL (pid {}) still shutting down after {} s; not waiting",
            process.pid(),
            STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits up to {@code limit} for a postmaster to end; whether it did. It is not this JVM's child
   * (pg_ctl started it), so when this JVM is the one that would reap it (process 1 of a container)
   * it stays a zombie, which the JDK calls alive: that counts as ended.
   */
  private static boolean ended(ProcessHandle process, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (process.isAlive() && !zombie(process.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Whether {@code /proc} says the process has exited and waits to be reaped (state Z). */
  static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int end = stat.lastIndexOf(')'); // the command in parentheses may hold spaces and ')'
      return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // gone, or not Linux: isAlive decides
    }
  }
}
