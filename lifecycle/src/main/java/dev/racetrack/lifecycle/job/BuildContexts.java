package dev.racetrack.lifecycle.job;

import dev.racetrack.model.AtomicFiles;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The uploaded source of each job version (its last build context), kept so a redeploy can rebuild
 * a job that was deployed from a local directory rather than from git.
 */
public final class BuildContexts {
  private final Path dir;

  public BuildContexts(Path dir) {
    this.dir = dir;
  }

  private Path file(String name, String version) {
    return dir.resolve(Manifest.resourceName(name, version) + ".tar.gz.b64");
  }

  public void save(String name, String version, String base64) {
    try {
      Files.createDirectories(dir);
      SecretBox.trySetPermissions(dir, "rwx------");
      AtomicFiles.write(file(name, version), base64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the build context of " + name + " v" + version + ": " + e.getMessage(), e);
    }
  }

  public Optional<String> load(String name, String version) {
    Path file = file(name, version);
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void delete(String name, String version) {
    try {
      Files.deleteIfExists(file(name, version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
