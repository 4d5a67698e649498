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
 * secrets of the version ({@code secrets.enc}) and the deployment timestamp of the instance serving
 * ({@code current}). The one plain secrets file per container ({@code CONTAINER.env}, readable only
 * by the job's uid), which the container mounts read-only, is kept in memory: under {@code
 * /dev/shm} (a tmpfs), never on the host's disk; only where there is no tmpfs there is it kept
 * under {@code jobs/JOB/run/}, with a warning at start-up. Everything else (which containers run,
 * their ports) is read from the engine's labels.
 */
final class DockerStore {
  /** The longest path of a Unix socket (sun_path holds 108 bytes with the final NUL). */
  static final int MAX_SOCKET_PATH = 107;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DockerStore.class);
  private static final Path SHM = Path.of("/dev/shm");

  private final Path root;
  private final Path sockets;
  private final Path plainSecrets;
  private final SecretBox box;

  DockerStore(Path root, SecretBox box) {
    this.root = root.resolve("jobs");
    this.sockets = root.toAbsolutePath().resolve("s");
    this.plainSecrets = plainSecretsDir(SHM, root);
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

  /**
   * Where the plain per-container secrets files go: {@code tmpfs/racetrack-DIGEST} (a digest of the
   * data directory, so two platforms never share it) when {@code tmpfs} is a tmpfs, else the data
   * directory (on disk).
   */
  static Path plainSecretsDir(Path tmpfs, Path dataDir) {
    Path fallback = dataDir.toAbsolutePath().resolve("jobs");
    try {
      if (Files.isDirectory(tmpfs) && "tmpfs".equals(Files.getFileStore(tmpfs).type())) {
        byte[] digest =
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(
                    dataDir
                        .toAbsolutePath()
                        .normalize()
                        .toString()
                        .getBytes(StandardCharsets.UTF_8));
        Path dir = tmpfs.resolve("racetrack-" + java.util.HexFormat.of().formatHex(digest, 0, 8));
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
      }
    } catch (IOException
        | UnsupportedOperationException
        | java.security.NoSuchAlgorithmException e) {
      LOG.debug("no tmpfs at {}: {}", tmpfs, e.toString());
    }
    LOG.warn(
        "docker target: {} is not a tmpfs: the plain secrets files job containers mount are kept"
            + " under {} on disk (mode 400, the job's uid)",
        tmpfs,
        fallback);
    return fallback;
  }

  /** The directory of a job version's plain secrets files (in memory where possible). */
  private Path run(String resource) {
    return plainSecrets.equals(root.toAbsolutePath())
        ? dir(resource).resolve("run")
        : plainSecrets.resolve(resource);
  }

  /** Writes a container's secrets file, owned by the job's uid, mode 400; returns its path. */
  Path writeContainerSecrets(String resource, String container, String content, DockerConfig c) {
    Path run = run(resource);
    Path file = run.resolve(container + ".env");
    try {
      Files.createDirectories(run);
      Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
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
                  + "; or set DOCKER_TARGET_RELAY=off and let such jobs answer any local process): "
                  + e.getMessage(),
              e));
    }
  }

  void deleteContainerSecrets(String resource, String container) {
    try {
      Files.deleteIfExists(run(resource).resolve(container + ".env"));
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

  /**
   * A fresh directory, owned by the job's uid (mode 700) in a directory only the platform's user
   * may enter, where the relay of container {@code container} creates the job's socket; returns the
   * socket's path. Short (a digest of the name) because a socket's path has at most {@value
   * #MAX_SOCKET_PATH} bytes.
   */
  Path socketOf(String container, DockerConfig c) {
    Path dir = socketDir(container);
    Path socket = dir.resolve("job.sock");
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new UncheckedIOException(
          new IOException(
              "the relay socket "
                  + socket
                  + " is longer than "
                  + MAX_SOCKET_PATH
                  + " bytes; give the platform a shorter data directory (RACETRACK_DATA_DIR)"));
    }
    try {
      Files.createDirectories(sockets);
      SecretBox.trySetPermissions(sockets, "rwx------");
      FileTrees.delete(dir);
      Files.createDirectory(dir);
      Files.setAttribute(dir, "unix:gid", c.gid());
      Files.setAttribute(dir, "unix:uid", c.uid());
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return socket;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot make the relay socket directory of container "
                  + container
                  + " (the platform must run as root to give it to the job's uid "
                  + c.user()
                  + "; or set DOCKER_TARGET_RELAY=off and let such jobs answer any local process): "
                  + e.getMessage(),
              e));
    }
  }

  /** The directory of container {@code container}'s relay socket. */
  Path socketDir(String container) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(container.getBytes(StandardCharsets.UTF_8));
      return sockets.resolve(java.util.HexFormat.of().formatHex(digest, 0, 8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Removes the relay socket directory of a container. */
  void deleteSocket(String container) {
    FileTrees.delete(socketDir(container));
  }

  /** Removes everything kept for a job version. */
  void deleteAll(String resource) {
    FileTrees.delete(run(resource));
    FileTrees.delete(dir(resource));
  }
}
