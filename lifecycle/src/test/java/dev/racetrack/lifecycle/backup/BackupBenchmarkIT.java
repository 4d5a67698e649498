package dev.racetrack.lifecycle.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.model.FileTrees;
import dev.racetrack.testsupport.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Backup and restore of a registry with 1,000 jobs (and their deployments) and 100,000 audit
 * events: time and size for docs/benchmarks.md. Runs only with {@code
 * -Dracetrack.bench.backup=true}.
 */
class BackupBenchmarkIT {

  @Test
  void backup_of1000JobsAnd100000AuditEvents_timeAndSize() throws Exception {
    Assumptions.assumeTrue(
        Boolean.getBoolean("racetrack.bench.backup"),
        "benchmark: run with -Dracetrack.bench.backup=true");
    Path dir = Files.createTempDirectory("backup-bench");
    try (PostgresFixture source = PostgresFixture.start();
        PostgresFixture target = PostgresFixture.start();
        Database database = TestDatabases.open(source, 2)) {
      database
          .jdbi()
          .useHandle(
              h -> {
                h.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('f', 'family')");
                h.execute(
                    """
                    INSERT INTO registry_job (id, family_id, name, version, status, manifest)
                    SELECT 'j' || i, 'f', 'job-' || i, '1.0.0', 'running',
                           repeat('manifest line ' || i || E'\\n', 20)
                      FROM generate_series(1, 1000) i""");
                h.execute(
                    """
                    INSERT INTO registry_deployment (id, status, manifest, job_name, job_version,
                           build_logs)
                    SELECT 'd' || i, 'done', 'name: job-' || i, 'job-' || i, '1.0.0',
                           repeat('build log line ' || i || E'\\n', 50)
                      FROM generate_series(1, 1000) i""");
                h.execute(
                    """
                    INSERT INTO registry_auditlogevent (id, event_type, properties,
                           username_executor, job_name, job_version)
                    SELECT md5(i::text), 'call_job', '{"path":"/api/v1/perform","n":' || i || '}',
                           'user-' || (i % 50), 'job-' || (i % 1000), '1.0.0'
                      FROM generate_series(1, 100000) i""");
              });
      Path file = dir.resolve("bench.rtbackup");
      Path uncompressed = dir.resolve("bench-format1.rtbackup");
      char[] passphrase = "benchmark passphrase".toCharArray();
      // three rounds, the format-1 (uncompressed) writer and the compressed one alternating
      List<Long> plainMillis = new ArrayList<>();
      List<Long> backupMillisRuns = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        plainMillis.add(
            backup(
                database,
                source,
                dir,
                uncompressed,
                new BackupCipher(BackupCipher.DEFAULT_ITERATIONS, false)));
        backupMillisRuns.add(backup(database, source, dir, file, new BackupCipher()));
      }
      long backupMillis = median(backupMillisRuns);
      long size = Files.size(file);
      long plainSize = Files.size(uncompressed);
      System.out.printf(
          Locale.ROOT,
          "BENCH backup: uncompressed (format 1) runs %s ms, median %d ms, %.1f MB;"
              + " compressed (format 2) runs %s ms, median %d ms, %.1f MB%n",
          plainMillis,
          median(plainMillis),
          plainSize / 1e6,
          backupMillisRuns,
          backupMillis,
          size / 1e6);

      long started = System.nanoTime();
      Restore restore = new Restore(new BackupCipher(), Clock.systemUTC());
      BackupManifest manifest = restore.verify(file, passphrase, e -> {});
      RestoreDatabase.prepare(TestDatabases.target(target), "bench", manifest.schemaVersion());
      Path targetDir = Files.createDirectories(dir.resolve("target"));
      try (Connection c = RestoreDatabase.connect(TestDatabases.target(target))) {
        restore.apply(
            file, passphrase, c, new Restore.Target(targetDir, target.schema()), manifest, e -> {});
        try (Statement s = c.createStatement();
            var r = s.executeQuery("SELECT count(*) FROM registry_auditlogevent")) {
          r.next();
          assertThat(r.getLong(1)).isEqualTo(100_000);
        }
      }
      long restoreMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          Locale.ROOT,
          "BENCH backup: 1000 jobs, 1000 deployments, 100000 audit events: backup %d ms,"
              + " %.1f MB; restore (verify + load) %d ms%n",
          backupMillis,
          size / 1e6,
          restoreMillis);
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static long backup(
      Database database, PostgresFixture source, Path dir, Path file, BackupCipher cipher)
      throws Exception {
    long started = System.nanoTime();
    try (Connection c = database.jdbi().open().getConnection()) {
      new Backup(cipher, Clock.systemUTC())
          .take(
              c,
              new Backup.Request(file, dir, source.schema(), true, "bench", List.of()),
              "benchmark passphrase".toCharArray(),
              e -> {});
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
