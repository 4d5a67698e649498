package dev.racetrack.local;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.AtomicFiles;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Json;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local target's files, one directory per job version under {@code jobs/}: {@code state.json},
 * the encrypted launch environment ({@code env.enc}) and secrets ({@code secrets.enc}), a marker of
 * an instance being started ({@code candidate.json}) and the job's logs.
 */
final class LocalStore {
  private final Path root;
  private final SecretBox secrets;

  LocalStore(Path root, SecretBox secrets) {
    this.root = root.resolve("jobs");
    this.secrets = secrets;
    try {
      Files.createDirectories(this.root);
      SecretBox.trySetPermissions(root, "rwx------");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + this.root + ": " + e.getMessage(), e);
    }
  }

  Path dir(String resourceName) {
    return root.resolve(resourceName);
  }

  LogFile log(String resourceName, long maxBytes, int backups) {
    return new LogFile(dir(resourceName).resolve("logs").resolve("job.log"), maxBytes, backups);
  }

  List<LocalJobState> states() {
    List<LocalJobState> states = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        read(dir.resolve("state.json"), new TypeReference<LocalJobState>() {})
            .ifPresent(states::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
    return states;
  }

  void writeState(String resourceName, LocalJobState state) {
    write(dir(resourceName).resolve("state.json"), Json.write(state));
  }

  void writeCandidate(String resourceName, long pid, String start) {
    write(
        dir(resourceName).resolve("candidate.json"),
        Json.write(Map.of("pid", pid, "start", start)));
  }

  Optional<Map<String, Object>> candidate(String resourceName) {
    return read(
        dir(resourceName).resolve("candidate.json"), new TypeReference<Map<String, Object>>() {});
  }

  void clearCandidate(String resourceName) {
    delete(dir(resourceName).resolve("candidate.json"));
  }

  void writeEnv(String resourceName, Map<String, String> env) {
    write(dir(resourceName).resolve("env.enc"), secrets.encrypt(Json.write(env)));
  }

  Map<String, String> readEnv(String resourceName) {
    return readEncrypted(
            dir(resourceName).resolve("env.enc"), new TypeReference<Map<String, String>>() {})
        .orElse(Map.of());
  }

  void writeSecrets(String resourceName, JobSecrets jobSecrets) {
    write(dir(resourceName).resolve("secrets.enc"), secrets.encrypt(Json.write(jobSecrets)));
  }

  Optional<JobSecrets> readSecrets(String resourceName) {
    return readEncrypted(
        dir(resourceName).resolve("secrets.enc"), new TypeReference<JobSecrets>() {});
  }

  /** Removes everything kept for a job version. */
  void deleteAll(String resourceName) {
    FileTrees.delete(dir(resourceName));
  }

  private <T> Optional<T> readEncrypted(Path file, TypeReference<T> type) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(secrets.decrypt(Files.readString(file)), type));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static <T> Optional<T> read(Path file, TypeReference<T> type) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(file.toFile(), type));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes atomically and durably (fsync + rename), readable by the owner only. */
  private static void write(Path file, String content) {
    AtomicFiles.write(file, content);
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }
}
