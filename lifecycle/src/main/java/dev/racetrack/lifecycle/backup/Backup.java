package dev.racetrack.lifecycle.backup;

import dev.racetrack.model.Json;
import dev.racetrack.spi.ArtifactStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code racetrack admin backup}: one encrypted archive of a running platform, written to {@code
 * FILE.partial} and renamed to {@code FILE} only once complete. It holds the registry (one
 * snapshot), the keys, the stored build contexts, the infrastructure targets' job state with their
 * secrets and environments (still encrypted with the platform's secrets key, as on disk; secrets a
 * target keeps outside the data directory are read from it and sealed so, see {@link
 * TargetSecrets}), installed plugin files, the image builder's build logs ({@code build-logs}, when
 * it shares the data directory), and, unless left out, the built job artifacts.
 */
public final class Backup {
  /** Directories of the data directory a backup holds, in archive order. */
  static final List<String> SECTIONS =
      List.of("keys", "contexts", "infrastructure", "plugins", "build-logs");

  static final String ARTIFACTS = ArtifactStore.DIRECTORY;

  /** The progress line of the secrets read from targets that keep them outside the data dir. */
  static final String SECRETS_OUTSIDE = "job secrets held by infrastructure targets";

  /** Where from and what to back up. */
  public record Request(
      Path file,
      Path dataDir,
      String schema,
      boolean withArtifacts,
      String platformVersion,
      List<String> warnings,
      TargetSecrets targetSecrets) {
    public Request {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(platformVersion, "platformVersion");
      Objects.requireNonNull(targetSecrets, "targetSecrets");
      warnings = List.copyOf(warnings);
    }

    /** A backup of a platform whose targets keep every secret in the data directory. */
    public Request(
        Path file,
        Path dataDir,
        String schema,
        boolean withArtifacts,
        String platformVersion,
        List<String> warnings) {
      this(file, dataDir, schema, withArtifacts, platformVersion, warnings, TargetSecrets.NONE);
    }
  }

  private final BackupCipher cipher;
  private final Clock clock;

  public Backup(BackupCipher cipher, Clock clock) {
    this.cipher = cipher;
    this.clock = clock;
  }

  /** Takes the backup; on any failure the partial file is removed and FILE left as it was. */
  public BackupManifest take(
      Connection database, Request request, char[] passphrase, Consumer<BackupProgress> sink) {
    Instant started = clock.instant();
    Path partial = request.file().resolveSibling(request.file().getFileName() + ".partial");
    try {
      BackupManifest manifest;
      try (OutputStream file =
              new BufferedOutputStream(
                  Channels.newOutputStream(
                      FileChannel.open(
                          partial,
                          Set.of(
                              StandardOpenOption.CREATE,
                              StandardOpenOption.TRUNCATE_EXISTING,
                              StandardOpenOption.WRITE),
                          PosixFilePermissions.asFileAttribute(
                              PosixFilePermissions.fromString("rw-------")))),
                  1 << 16);
          OutputStream plain = cipher.encrypt(file, passphrase);
          ArchiveWriter archive = new ArchiveWriter(plain)) {
        manifest = write(database, request, archive, started, sink);
      }
      try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        written.force(true); // the data on disk before the name says it is complete
      }
      Files.move(
          partial,
          request.file(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      long size = Files.size(request.file());
      sink.accept(
          new BackupProgress.Finished(
              request.file(), size, Duration.between(started, clock.instant())));
      return manifest;
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new BackupException("cannot write backup " + request.file() + ": " + e, e);
    } catch (SQLException e) {
      deleteQuietly(partial);
      throw new BackupException("cannot read the database: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      throw e;
    }
  }

  private static BackupManifest write(
      Connection database,
      Request request,
      ArchiveWriter archive,
      Instant started,
      Consumer<BackupProgress> sink)
      throws IOException, SQLException {
    DatabaseDump.Snapshot snapshot = DatabaseDump.dump(database, request.schema(), archive, sink);
    for (String section : SECTIONS) {
      copySection(request.dataDir(), section, archive, sink);
    }
    if (request.withArtifacts()) {
      copySection(request.dataDir(), ARTIFACTS, archive, sink);
    }
    addTargetSecrets(snapshot.images(), request.targetSecrets(), archive, sink);
    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT,
            request.platformVersion(),
            snapshot.schemaVersion(),
            started.toString(),
            request.dataDir().toAbsolutePath().normalize().toString(),
            snapshot.tables(),
            snapshot.sequences(),
            archive.entries(),
            snapshot.images(),
            request.warnings());
    archive.finish(Json.writeBytes(manifest));
    return manifest;
  }

  /** Adds the secrets the targets keep outside the data directory, as the files to restore. */
  private static void addTargetSecrets(
      List<BackupManifest.JobImage> jobs,
      TargetSecrets secrets,
      ArchiveWriter archive,
      Consumer<BackupProgress> sink)
      throws IOException {
    int files = 0;
    long bytes = 0;
    for (BackupManifest.JobImage job : jobs) {
      Optional<TargetSecrets.SealedFile> sealed = secrets.export(job);
      if (sealed.isPresent()) {
        byte[] content = sealed.get().content();
        archive.add("files/" + sealed.get().path(), content, content.length);
        files++;
        bytes += content.length;
      }
    }
    if (files > 0) {
      sink.accept(new BackupProgress.SectionCopied(SECRETS_OUTSIDE, files, bytes));
    }
  }

  /** Adds {@code DATA_DIR/section} under {@code files/section}, without logs or per-host files. */
  private static void copySection(
      Path dataDir, String section, ArchiveWriter archive, Consumer<BackupProgress> sink)
      throws IOException {
    Path root = dataDir.resolve(section);
    if (!Files.isDirectory(root)) {
      return;
    }
    int[] files = {0};
    long[] bytes = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return skipped(dataDir, dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (skipped(dataDir, file)) {
              return FileVisitResult.CONTINUE;
            }
            String name = "files/" + relative(dataDir, file);
            try {
              if (attrs.isSymbolicLink()) {
                archive.addSymlink(name, Files.readSymbolicLink(file).toString());
              } else if (attrs.isRegularFile()) {
                archive.addFile(name, file, mode(file));
                bytes[0] += attrs.size();
              } else {
                return FileVisitResult.CONTINUE;
              }
            } catch (NoSuchFileException e) {
              return FileVisitResult.CONTINUE; // removed meanwhile (a job deleted): not needed
            }
            files[0]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    sink.accept(new BackupProgress.SectionCopied(section, files[0], bytes[0]));
  }

  /**
   * Left out: the embedded database's password (a restored database gets its own), job logs, and
   * files being written (temporary names of atomic writes).
   */
  static boolean skipped(Path dataDir, Path path) {
    String relative = relative(dataDir, path);
    return relative.equals("keys/postgres-password")
        || (relative.startsWith("infrastructure/") && path.getFileName().toString().equals("logs"))
        || path.getFileName().toString().endsWith(".tmp");
  }

  static String relative(Path dataDir, Path path) {
    return dataDir.relativize(path).toString().replace('\\', '/');
  }

  private static int mode(Path file) throws IOException {
    int mode = 0;
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
    }
  }
}
