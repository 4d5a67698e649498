package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.backup.Backup;
import dev.racetrack.lifecycle.backup.BackupCipher;
import dev.racetrack.lifecycle.backup.BackupException;
import dev.racetrack.lifecycle.backup.BackupManifest;
import dev.racetrack.lifecycle.backup.BackupProgress;
import dev.racetrack.lifecycle.backup.Restore;
import dev.racetrack.lifecycle.backup.RestoreDatabase;
import dev.racetrack.lifecycle.database.DatabaseSettings;
import dev.racetrack.lifecycle.database.EmbeddedPostgresServer;
import dev.racetrack.lifecycle.database.JdbcTarget;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.tls.TlsConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack admin backup} and {@code racetrack admin restore}. */
final class BackupCommands {
  static final String PASSPHRASE_ENV = "RACETRACK_BACKUP_PASSPHRASE";

  private BackupCommands() {}

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description = {
        "Back the running (or stopped) platform up into FILE, one archive encrypted with a",
        "passphrase: the database (one consistent snapshot), keys, build contexts, the job state,",
        "secrets and environments of the infrastructure targets (still encrypted as at rest; the",
        "Kubernetes target's stored secrets are read from the cluster and sealed so),",
        "plugin files, the built job artifacts and the list of job images in use. It is written to",
        "FILE.partial and renamed to FILE when complete. The passphrase is read from the",
        "environment variable named by --passphrase-env (default " + PASSPHRASE_ENV + "),",
        "else asked twice at the terminal, else read as one line of standard input."
      })
  static final class BackupCommand implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--without-artifacts",
        description = "Leave the built job artifacts out (the jobs then need a redeploy).")
    boolean withoutArtifacts;

    @Option(
        names = "--passphrase-env",
        paramLabel = "NAME",
        defaultValue = PASSPHRASE_ENV,
        description = "Environment variable holding the passphrase (default: ${DEFAULT-VALUE}).")
    String passphraseEnv;

    @Override
    public Integer call() {
      AdminContext context = admin.context();
      LifecycleConfig config = AdminCommands.config(context);
      char[] passphrase = passphrase(context, passphraseEnv, true);
      List<String> warnings = keysFromEnvironment(context.env());
      pluginsOutsideTheDataDir(context.env(), config.dataDir()).ifPresent(warnings::add);
      warnings.forEach(w -> context.err().println("warning: " + w));
      String schema =
          config
              .database()
              .external()
              .map(JdbcTarget::schema)
              .orElse(DatabaseSettings.DEFAULT_SCHEMA);
      try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir());
          TargetSecretsReader targetSecrets =
              new TargetSecretsReader(
                  config,
                  TargetSecretsReader.plugins(config, context.plugins()),
                  LifecycleApp.internalHttpClient(TlsConfig.fromEnv(config.env())))) {
        db.database()
            .jdbi()
            .useHandle(
                handle ->
                    new Backup(new BackupCipher(), Clock.systemUTC())
                        .take(
                            handle.getConnection(),
                            new Backup.Request(
                                file.toAbsolutePath(),
                                config.dataDir(),
                                schema,
                                !withoutArtifacts,
                                LifecycleConfig.platformVersion(),
                                warnings,
                                targetSecrets),
                            passphrase,
                            progress(context.out())));
        return 0;
      } catch (BackupException e) {
        context.err().println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a backup made by `admin backup` onto a fresh data directory (never started) or an",
        "empty external database, with the platform stopped. The whole file is decrypted and every",
        "checksum and the schema version are checked first: if anything is wrong nothing is",
        "changed. Start the platform afterwards: jobs are adopted or restarted from their restored",
        "artifacts; `admin redeploy-missing` redeploys those that cannot be. The passphrase is read",
        "as for `admin backup`."
      })
  static final class RestoreCommand implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--passphrase-env",
        paramLabel = "NAME",
        defaultValue = PASSPHRASE_ENV,
        description = "Environment variable holding the passphrase (default: ${DEFAULT-VALUE}).")
    String passphraseEnv;

    @Override
    public Integer call() {
      AdminContext context = admin.context();
      // not LifecycleConfig: it would create keys in the data directory before the backup's arrive
      Path dataDir = new EnvReader(context.env()).dataDir();
      DatabaseSettings settings = DatabaseSettings.fromEnv(context.env());
      char[] passphrase = passphrase(context, passphraseEnv, false);
      Restore restore = new Restore(new BackupCipher(), Clock.systemUTC());
      try {
        Consumer<BackupProgress> sink = progress(context.out());
        BackupManifest manifest = restore.verify(file, passphrase, sink);
        manifest.warnings().forEach(w -> context.err().println("warning: " + w));
        List<String> clashes = Restore.clashes(dataDir, manifest);
        if (!clashes.isEmpty()) {
          throw new BackupException(
              "data directory "
                  + dataDir
                  + " is not fresh: "
                  + String.join(", ", clashes)
                  + " already exist; restore into a data directory never started; nothing was"
                  + " changed");
        }
        Restore.requireDataDirFits(manifest, dataDir);
        if (settings.external().isPresent()) {
          restoreInto(settings.external().get(), restore, manifest, passphrase, dataDir, sink);
        } else {
          restoreEmbedded(dataDir, restore, manifest, passphrase, sink);
        }
        context.out().println("Restored. Start the platform: jobs are adopted or restarted.");
        return 0;
      } catch (BackupException e) {
        context.err().println("error: " + e.getMessage());
        return 1;
      }
    }

    private void restoreEmbedded(
        Path dataDir,
        Restore restore,
        BackupManifest manifest,
        char[] passphrase,
        Consumer<BackupProgress> sink) {
      if (AdminDatabase.runningEmbeddedPort(dataDir.resolve("postgres")).isPresent()) {
        throw new BackupException(
            "the platform of " + dataDir + " is running: stop it first; nothing was changed");
      }
      // what the embedded database's start creates, removed again if the restore fails
      Path keys = dataDir.resolve("keys");
      Path logs = dataDir.resolve("logs");
      List<Path> created =
          missing(
              List.of(
                  dataDir,
                  dataDir.resolve("postgres"),
                  keys,
                  keys.resolve("postgres-password"),
                  dataDir.resolve("cache"),
                  logs,
                  logs.resolve("postgres.log")));
      boolean done = false;
      try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir)) {
        restoreInto(
            server.target(DatabaseSettings.DEFAULT_SCHEMA),
            restore,
            manifest,
            passphrase,
            dataDir,
            sink);
        done = true;
      } finally {
        if (!done) {
          created.forEach(FileTrees::delete);
        }
      }
    }

    /** The paths (outermost first) that do not exist, without those inside one listed before. */
    static List<Path> missing(List<Path> paths) {
      List<Path> missing = new ArrayList<>();
      for (Path path : paths) {
        if (!Files.exists(path) && missing.stream().noneMatch(path::startsWith)) {
          missing.add(path);
        }
      }
      return missing;
    }

    private void restoreInto(
        JdbcTarget target,
        Restore restore,
        BackupManifest manifest,
        char[] passphrase,
        Path dataDir,
        Consumer<BackupProgress> sink) {
      RestoreDatabase.prepare(target, manifest.platformVersion(), manifest.schemaVersion());
      try (Connection connection = RestoreDatabase.connect(target)) {
        restore.apply(
            file,
            passphrase,
            connection,
            new Restore.Target(dataDir, target.schema()),
            manifest,
            sink);
      } catch (SQLException e) {
        throw new BackupException("cannot connect to the database: " + e.getMessage(), e);
      }
      RestoreDatabase.migrateToLatest(target);
    }
  }

  /** The passphrase from the named environment variable, else the terminal or standard input. */
  static char[] passphrase(AdminContext context, String variable, boolean confirm) {
    Optional<String> fromEnv =
        Optional.ofNullable(context.env().get(variable)).filter(v -> !v.isEmpty());
    String passphrase =
        fromEnv.orElseGet(
            () ->
                confirm
                    ? context.secret("Backup passphrase")
                    : context.secretOnce("Backup passphrase"));
    if (passphrase.isEmpty()) {
      throw new ValidationException("the backup passphrase is empty");
    }
    return passphrase.toCharArray();
  }

  private static List<String> keysFromEnvironment(Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    for (String key : List.of("AUTH_KEY", "RACETRACK_SECRETS_KEY")) {
      if (!Optional.ofNullable(env.get(key)).orElse("").isBlank()) {
        warnings.add(
            key
                + " comes from the environment and is not in this backup: the restored platform"
                + " needs the same value (see docs/admin.md for a different AUTH_KEY)");
      }
    }
    return warnings;
  }

  /**
   * A plugins directory set apart from the data directory ({@code PLUGINS_DIR}, e.g. a shared
   * volume) is not in the backup, which holds the data directory's {@code plugins/}: say so.
   */
  static Optional<String> pluginsOutsideTheDataDir(Map<String, String> env, Path dataDir) {
    Path plugins = PluginStore.directory(env, dataDir).toAbsolutePath().normalize();
    if (plugins.equals(dataDir.resolve("plugins").toAbsolutePath().normalize())) {
      return Optional.empty();
    }
    return Optional.of(
        "PLUGINS_DIR "
            + plugins
            + " is outside the data directory and is not in this backup: back it up separately,"
            + " e.g. tar -C "
            + plugins
            + " -czf plugins.tar.gz . (see docs/admin.md, Backup & Restore)");
  }

  static Consumer<BackupProgress> progress(PrintStream out) {
    return event -> {
      switch (event) {
        case BackupProgress.TableCopied t ->
            out.println("  table " + t.table() + ": " + t.rows() + " rows");
        case BackupProgress.SectionCopied s ->
            out.println("  " + s.section() + ": " + s.files() + " files, " + s.bytes() + " bytes");
        case BackupProgress.Verified v ->
            out.println(
                "Verified: "
                    + v.entries()
                    + " entries, "
                    + v.rows()
                    + " rows, from Racetrack "
                    + v.platformVersion()
                    + " (schema "
                    + v.schemaVersion()
                    + "); checksums match");
        case BackupProgress.Finished f ->
            out.println(
                "Done: "
                    + f.file()
                    + " ("
                    + f.bytes()
                    + " bytes) in "
                    + f.took().toMillis()
                    + " ms");
      }
    };
  }
}
