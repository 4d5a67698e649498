package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.FileTrees;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code admin backup} of a running lifecycle and {@code admin restore} into a fresh schema and
 * data directory: rows, sequences, keys, contexts, encrypted job state and artifacts come back, the
 * old tokens work, and a damaged backup or wrong passphrase changes nothing.
 */
class BackupRestoreIT {
  private static final String PASSPHRASE = "backup passphrase for the test";

  private LifecycleFixture source;
  private PostgresFixture targetDb;
  private Path targetDir;
  private Path work;
  private String admin;

  @BeforeEach
  void setUp() throws IOException {
    source = new LifecycleFixture(Map.of());
    targetDb = PostgresFixture.start();
    targetDir = Files.createTempDirectory("restore-target");
    work = Files.createTempDirectory("backup-work");
    admin = source.adminToken();
    source.post("/api/v1/escs", Map.of("name", "billing", "id", "billing-esc"), admin);
    Path data = source.dataDir();
    write(data.resolve("contexts/adder-1.0.0/context.tar.gz"), "build context bytes");
    write(data.resolve("infrastructure/local/jobs/adder-v-1-0-0/secrets.enc"), "v1:ciphertext");
    write(data.resolve("infrastructure/local/jobs/adder-v-1-0-0/env.enc"), "v1:env-ciphertext");
    write(data.resolve("infrastructure/local/jobs/adder-v-1-0-0/logs/job.log"), "a log line");
    write(data.resolve("build-logs/deployment-1.log"), "a build log line");
    Path job = data.resolve("artifacts/adder-1.0.0/job");
    write(job, "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(
        data.resolve("artifacts/adder-1.0.0/python"), Path.of("/usr/bin/python3"));
  }

  @AfterEach
  void tearDown() {
    source.close();
    targetDb.close();
    FileTrees.delete(targetDir);
    FileTrees.delete(work);
  }

  @Test
  void restore_ofABackupOfARunningPlatform_bringsBackRowsFilesAndTokens() throws Exception {
    Path file = work.resolve("platform.rtbackup");
    AdminRun backup = run(sourceEnv(), "backup", file.toString());
    assertThat(backup.exit()).as(backup.err()).isZero();
    assertThat(backup.out()).contains("table auth_user: 1 rows", "Done: ");
    assertThat(file).exists();
    assertThat(work.resolve("platform.rtbackup.partial")).doesNotExist();
    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
        .doesNotContain("build context bytes", "billing-esc", "v1:ciphertext");

    AdminRun restore = run(targetEnv(), "restore", file.toString());
    assertThat(restore.exit()).as(restore.err()).isZero();
    assertThat(restore.out()).contains("Verified: ", "checksums match", "Restored.");
    // what each section restored, counted in files and bytes (it said "1 files, 0 bytes")
    assertThat(restore.out())
        .contains("contexts: 1 files, 19 bytes")
        .contains("build-logs: 1 files, 16 bytes");

    assertThat(tableCounts(targetDb.schema())).isEqualTo(tableCounts(source.schema()));
    assertThat(sequences(targetDb.schema())).isEqualTo(sequences(source.schema()));
    assertThat(targetDir.resolve("keys/secrets.key"))
        .hasSameTextualContentAs(source.dataDir().resolve("keys/secrets.key"));
    assertThat(targetDir.resolve("contexts/adder-1.0.0/context.tar.gz"))
        .hasContent("build context bytes");
    Path jobDir = targetDir.resolve("infrastructure/local/jobs/adder-v-1-0-0");
    assertThat(jobDir.resolve("secrets.enc")).hasContent("v1:ciphertext");
    assertThat(jobDir.resolve("env.enc")).hasContent("v1:env-ciphertext");
    assertThat(jobDir.resolve("logs")).doesNotExist();
    assertThat(targetDir.resolve("build-logs/deployment-1.log")).hasContent("a build log line");
    Path artifact = targetDir.resolve("artifacts/adder-1.0.0");
    assertThat(Files.getPosixFilePermissions(artifact.resolve("job")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(Files.readSymbolicLink(artifact.resolve("python")))
        .isEqualTo(Path.of("/usr/bin/python3"));
    assertThat(Stream.of(targetDir.toFile().list())).noneMatch(n -> n.startsWith(".restore-"));

    try (LifecycleApp restored = startOn(targetDb, targetDir)) {
      HttpResponse<String> escs =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + restored.port() + "/api/v1/escs"))
                      .header("X-Racetrack-Auth", admin)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(escs.statusCode()).as(escs.body()).isEqualTo(200);
      JsonNode list = LifecycleFixture.json(escs.body());
      assertThat(list.findValuesAsText("id")).contains("billing-esc");
    }
  }

  /** A PLUGINS_DIR apart from the data directory is not in the backup, and the backup says so. */
  @Test
  void backup_withPluginsOutsideTheDataDir_warnsTheyAreNotInIt() throws Exception {
    Path plugins = Files.createDirectories(work.resolve("shared-plugins"));
    Map<String, String> env = sourceEnv();
    env.put("PLUGINS_DIR", plugins.toString());

    AdminRun backup = run(env, "backup", work.resolve("apart.rtbackup").toString());

    assertThat(backup.exit()).as(backup.err()).isZero();
    assertThat(backup.err())
        .contains("warning: PLUGINS_DIR " + plugins.toAbsolutePath().normalize())
        .contains("is not in this backup");
    AdminRun inside = run(sourceEnv(), "backup", work.resolve("inside.rtbackup").toString());
    assertThat(inside.err()).doesNotContain("PLUGINS_DIR");
  }

  @Test
  void restore_ofADamagedBackupOrWithAWrongPassphrase_changesNothing() throws Exception {
    Path file = work.resolve("platform.rtbackup");
    assertThat(run(sourceEnv(), "backup", file.toString()).exit()).isZero();
    byte[] bytes = Files.readAllBytes(file);

    Map<String, String> wrong = new HashMap<>(targetEnv());
    wrong.put("RACETRACK_BACKUP_PASSPHRASE", "not the passphrase");
    assertRefused(run(wrong, "restore", file.toString()), "wrong passphrase");

    Path truncated = work.resolve("truncated.rtbackup");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 5000));
    assertRefused(run(targetEnv(), "restore", truncated.toString()), "truncated");

    Path corrupted = work.resolve("corrupted.rtbackup");
    byte[] flipped = bytes.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(corrupted, flipped);
    assertRefused(run(targetEnv(), "restore", corrupted.toString()), "corrupted");

    AdminRun intoSource = run(sourceEnv(), "restore", file.toString());
    assertThat(intoSource.exit()).isEqualTo(1);
    assertThat(intoSource.err())
        .contains("is not fresh", "keys/secrets.key", "nothing was changed");
  }

  @Test
  void restore_ofABackupFromANewerSchema_isRefusedAndChangesNothing() throws Exception {
    try (Connection c = connect(source.schema());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " installed_by, execution_time, success) VALUES (999, '999', 'future', 'SQL',"
              + " 'V999__future.sql', 'test', 0, true)");
    }
    Path file = work.resolve("future.rtbackup");
    assertThat(run(sourceEnv(), "backup", file.toString()).exit()).isZero();
    assertRefused(run(targetEnv(), "restore", file.toString()), "newer than this platform's");
  }

  @Test
  void restore_intoTheEmbeddedDatabase_refusedAfterItStarted_leavesNoDataDirectoryBehind()
      throws Exception {
    try (Connection c = connect(source.schema());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " installed_by, execution_time, success) VALUES (999, '999', 'future', 'SQL',"
              + " 'V999__future.sql', 'test', 0, true)");
    }
    Path file = work.resolve("future.rtbackup");
    assertThat(run(sourceEnv(), "backup", file.toString()).exit()).isZero();
    Path fresh = targetDir.resolve("data");
    Map<String, String> embedded = new HashMap<>();
    embedded.put("RACETRACK_DATA_DIR", fresh.toString());
    embedded.put("RACETRACK_BACKUP_PASSPHRASE", PASSPHRASE);

    AdminRun refused = run(embedded, "restore", file.toString());

    assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
    assertThat(refused.err()).contains("error: ", "newer than this platform's");
    assertThat(fresh).as("the embedded database was started, then removed").doesNotExist();
  }

  @Test
  void restore_intoAnotherDataDirWhileJobsRunFromTheOldOne_isRefusedNamingBothPaths()
      throws Exception {
    String artifact = source.dataDir().resolve("artifacts/adder-1.0.0").toString();
    try (Connection c = connect(source.schema());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('f1', 'adder')");
      s.execute(
          "INSERT INTO registry_job (id, family_id, name, version, status, manifest, image_tag)"
              + " VALUES ('j1', 'f1', 'adder', '1.0.0', 'running', 'name: adder', '"
              + artifact
              + "')");
    }
    Path file = work.resolve("platform.rtbackup");
    assertThat(run(sourceEnv(), "backup", file.toString()).exit()).isZero();

    AdminRun refused = run(targetEnv(), "restore", file.toString());

    assertRefused(refused, "restored into " + targetDir);
    assertThat(refused.err())
        .contains("taken of data directory " + source.dataDir(), "adder v1.0.0 (" + artifact);
  }

  @Test
  void redeployMissing_withALostJob_asksLifecycleToRedeployIt() throws Exception {
    assertThat(run(sourceEnv(), "redeploy-missing", "--url", source.url("")).out())
        .contains("No job needs a redeploy.");
    try (Connection c = connect(source.schema());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('f1', 'adder')");
      s.execute(
          "INSERT INTO registry_job (id, family_id, name, version, status, manifest)"
              + " VALUES ('j1', 'f1', 'adder', '1.0.0', 'lost', 'name: adder')");
    }
    AdminRun run = run(sourceEnv(), "redeploy-missing", "--url", source.url(""));
    // lifecycle accepted the caller (not 401) and refused this job, whose stored manifest is not a
    // valid one (a redeploy that comes back is server/RedeployMissingIT); the exit code says so
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot redeploy adder v1.0.0 (lost): 4")
        .doesNotContain(" 401 ");
  }

  private void assertRefused(AdminRun run, String message) throws SQLException, IOException {
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.err()).contains("error: ", message);
    assertThat(tableCounts(targetDb.schema())).isEmpty();
    try (Stream<Path> files = Files.list(targetDir)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  private Map<String, String> sourceEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", source.dataDir().toString());
    env.put("DATABASE_URL", source.jdbcUrl());
    env.put("POSTGRES_USER", "postgres");
    env.put("POSTGRES_PASSWORD", "");
    env.put("POSTGRES_SCHEMA", source.schema());
    env.put("AUTH_KEY", LifecycleFixture.AUTH_KEY);
    env.put("RACETRACK_BACKUP_PASSPHRASE", PASSPHRASE);
    return env;
  }

  private Map<String, String> targetEnv() {
    Map<String, String> env = new HashMap<>(sourceEnv());
    env.put("RACETRACK_DATA_DIR", targetDir.toString());
    env.put("POSTGRES_SCHEMA", targetDb.schema());
    return env;
  }

  private static AdminRun run(Map<String, String> env, String... args) {
    return AdminRun.of(env, "", args);
  }

  private LifecycleApp startOn(PostgresFixture db, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", dataDir.toString());
    env.put("LIFECYCLE_PORT", "0");
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("POSTGRES_USER", db.user());
    env.put("POSTGRES_PASSWORD", db.password());
    env.put("POSTGRES_SCHEMA", db.schema());
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    return LifecycleApp.start(
        LifecycleConfig.fromEnv(env, LifecycleFixture.AUTH_KEY, "internal-token"),
        Plugins.discover(),
        Clock.systemUTC(),
        false);
  }

  private Connection connect(String schema) throws SQLException {
    Connection c = DriverManager.getConnection(source.jdbcUrl(), "postgres", "");
    c.setSchema(schema);
    return c;
  }

  /** Row count of every table of the schema but Flyway's (empty when the schema has none). */
  private Map<String, Long> tableCounts(String schema) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = connect(schema);
        Statement s = c.createStatement();
        ResultSet tables =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' AND table_name <> 'flyway_schema_history'")) {
      java.util.List<String> names = new java.util.ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      for (String name : names) {
        try (Statement q = c.createStatement();
            ResultSet r = q.executeQuery("SELECT count(*) FROM \"" + name + "\"")) {
          r.next();
          counts.put(name, r.getLong(1));
        }
      }
    }
    return counts;
  }

  private Map<String, Long> sequences(String schema) throws SQLException {
    Map<String, Long> values = new TreeMap<>();
    try (Connection c = connect(schema);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = '"
                    + schema
                    + "'")) {
      while (r.next()) {
        values.put(r.getString(1), r.getLong(2));
      }
    }
    return values;
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
