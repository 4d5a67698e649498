package dev.racetrack.lifecycle.job;

import dev.racetrack.model.AtomicFiles;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The uploaded source of each job version (its last build context, a .tar.gz), kept so a redeploy
 * can rebuild a job that was deployed from a local directory rather than from git; and the
 * temporary files a deployment works on ({@code uploads}: a deploy body's decoded context, a copy
 * of a kept one), which the deployment deletes when it ends and start-up clears.
 */
public final class BuildContexts {
  private final Path dir;
  private final Path uploads;

  public BuildContexts(Path dir, Path uploads) {
    this.dir = dir;
    this.uploads = uploads;
  }

  private Path file(String name, String version) {
    return dir.resolve(Manifest.resourceName(name, version) + ".tar.gz");
  }

  /** Where versions before 2026-12 kept the context, as base64 text. */
  private Path legacyFile(String name, String version) {
    return dir.resolve(Manifest.resourceName(name, version) + ".tar.gz.b64");
  }

  /** A new, empty temporary file (owner only) for a deployment's context. */
  public Path newUpload() {
    try {
      Files.createDirectories(uploads);
      SecretBox.trySetPermissions(uploads, "rwx------");
      return Files.createTempFile(uploads, "context-", ".tar.gz");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an upload file: " + e.getMessage(), e);
    }
  }

  /** Deletes the temporary files a crashed platform left (call before accepting deployments). */
  public void clearUploads() {
    if (!Files.isDirectory(uploads)) {
      return;
    }
    try (Stream<Path> files = Files.list(uploads)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + uploads + ": " + e.getMessage(), e);
    }
  }

  /** Keeps a copy of the context file {@code targz} as the source of a job version. */
  public void save(String name, String version, Path targz) {
    try {
      Files.createDirectories(dir);
      SecretBox.trySetPermissions(dir, "rwx------");
      AtomicFiles.write(file(name, version), out -> Files.copy(targz, out));
      Files.deleteIfExists(legacyFile(name, version));
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException(
          "cannot keep the build context of " + name + " v" + version + ": " + e.getMessage(),
          new IOException(e));
    }
  }

  /**
   * A temporary copy of a job version's kept context (the caller's to delete), or empty when it has
   * none.
   */
  public Optional<Path> load(String name, String version) {
    Path file = file(name, version);
    Path legacy = legacyFile(name, version);
    if (!Files.exists(file) && !Files.exists(legacy)) {
      return Optional.empty();
    }
    Path copy = newUpload();
    try {
      if (Files.exists(file)) {
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
      } else {
        try (InputStream in = Base64.getMimeDecoder().wrap(Files.newInputStream(legacy))) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return Optional.of(copy);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(copy);
      throw new UncheckedIOException(
          "cannot read the kept build context of " + name + " v" + version + ": " + e.getMessage(),
          new IOException(e));
    }
  }

  public void delete(String name, String version) {
    try {
      Files.deleteIfExists(file(name, version));
      Files.deleteIfExists(legacyFile(name, version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a stray upload copy is cleared at the next start (clearUploads)
    }
  }
}
