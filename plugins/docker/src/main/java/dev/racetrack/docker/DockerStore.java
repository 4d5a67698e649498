package dev.racetrack.docker;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.AtomicFiles;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Json;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Docker target's files, one directory per job version under {@code jobs/}: the encrypted
 * secrets of the version ({@code secrets.enc}), the deployment timestamp of the instance serving
 * ({@code current}), and one plain secrets file per container ({@code run/CONTAINER.env}, readable
 * only by the job's uid), which the container mounts read-only. Everything else (which containers
 * run, their ports) is read from the engine's labels.
 */
final class DockerStore {
  private final Path root;
  private final SecretBox box;

  DockerStore(Path root, SecretBox box) {
    this.root = root.resolve("jobs");
    this.box = box;
    try {
      Files.createDirectories(this.root);
      SecretBox.trySetPermissions(root, "rwx------");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + this.root + ": " + e.getMessage(), e);
    }
  }

  private Path dir(String resource) {
    return root.resolve(resource);
  }

  /** Writes a container's secrets file, owned by the job's uid, mode 400; returns its path. */
  Path writeContainerSecrets(String resource, String container, String content, DockerConfig c) {
    Path run = dir(resource).resolve("run");
    Path file = run.resolve(container + ".env");
    try {
      Files.createDirectories(run);
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      Files.setAttribute(file, "unix:gid", c.gid());
      Files.setAttribute(file, "unix:uid", c.uid());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
      return file.toAbsolutePath();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot write the secrets file of container "
                  + container
                  + " (the platform must run as root to give it to the job's uid "
                  + c.user()
                  + "): "
                  + e.getMessage(),
              e));
    }
  }

  void deleteContainerSecrets(String resource, String container) {
    try {
      Files.deleteIfExists(dir(resource).resolve("run").resolve(container + ".env"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete secrets of " + container, e);
    }
  }

  void writeCurrent(String resource, long deploymentTimestamp) {
    AtomicFiles.write(dir(resource).resolve("current"), Long.toString(deploymentTimestamp));
  }

  OptionalLong current(String resource) {
    Path file = dir(resource).resolve("current");
    try {
      return Files.exists(file)
          ? OptionalLong.of(Long.parseLong(Files.readString(file).strip()))
          : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  void writeSecrets(String resource, JobSecrets secrets) {
    AtomicFiles.write(dir(resource).resolve("secrets.enc"), box.encrypt(Json.write(secrets)));
  }

  Optional<JobSecrets> readSecrets(String resource) {
    Path file = dir(resource).resolve("secrets.enc");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Json.mapper()
              .readValue(box.decrypt(Files.readString(file)), new TypeReference<JobSecrets>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether no job version has anything stored here. */
  boolean isEmpty() {
    try (var dirs = Files.list(root)) {
      return dirs.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes everything kept for a job version. */
  void deleteAll(String resource) {
    FileTrees.delete(dir(resource));
  }
}
