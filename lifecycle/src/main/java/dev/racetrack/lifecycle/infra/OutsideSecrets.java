package dev.racetrack.lifecycle.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.racetrack.model.Json;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job secrets that a target keeps outside the data directory ({@link
 * InfrastructurePlugin#keepsSecretsOutsideDataDir}, e.g. the Kubernetes target's Secrets) travel in
 * a backup as files sealed with the platform's secrets key, as lifecycle's own secrets are at rest:
 * {@code infrastructure/TARGET/secrets-to-restore/JOB/VERSION.sealed}. A restore puts them into the
 * data directory; lifecycle, when it starts, writes each back to its target and deletes the file
 * (one it cannot write back stays and is tried at the next start).
 */
public final class OutsideSecrets {
  static final String DIRECTORY = "secrets-to-restore";
  private static final String SUFFIX = ".sealed";
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]*");
  private static final Logger LOG = LoggerFactory.getLogger(OutsideSecrets.class);

  private OutsideSecrets() {}

  /** Where the sealed secrets of a job version go, relative to the data directory. */
  public static String path(String target, String job, String version) {
    for (String part : List.of(target, job, version)) {
      if (!PART.matcher(part).matches() || part.equals("..")) {
        throw new IllegalArgumentException(
            "cannot name a file after '" + part + "' (target, job name or version)");
      }
    }
    return "infrastructure/" + target + "/" + DIRECTORY + "/" + job + "/" + version + SUFFIX;
  }

  /** The secrets of a job version, sealed; empty when the target stores none for it. */
  public static Optional<byte[]> seal(
      InfrastructureTarget target, SecretBox box, String job, String version) {
    return target
        .secrets(job, version)
        .map(s -> box.encrypt(Json.write(s)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes the secrets restored into {@code dataDir} back to their targets, deleting each file
   * written back.
   *
   * @return how many job versions' secrets were written back
   */
  public static int writeBack(Path dataDir, Targets targets, SecretBox box) {
    Path infrastructure = dataDir.resolve("infrastructure");
    if (!Files.isDirectory(infrastructure)) {
      return 0;
    }
    int written = 0;
    for (Path file : pending(infrastructure)) {
      Path relative = infrastructure.relativize(file);
      String target = relative.getName(0).toString();
      String job = relative.getName(2).toString();
      String name = relative.getName(3).toString();
      String version = name.substring(0, name.length() - SUFFIX.length());
      try {
        JobSecrets secrets =
            Json.mapper()
                .readValue(
                    box.decrypt(Files.readString(file, StandardCharsets.UTF_8)), JobSecrets.class);
        targets.get(target).saveSecrets(job, version, secrets);
        Files.delete(file);
        written++;
      } catch (JsonProcessingException e) {
        LOG.warn(
            "restored secrets of job {} v{} ({}) are not readable: {}",
            job,
            version,
            file,
            e.getOriginalMessage());
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "cannot write the restored secrets of job {} v{} back to infrastructure target {}"
                + " (kept in {}; tried again at the next start): {}",
            job,
            version,
            target,
            file,
            e.toString());
      }
    }
    if (written > 0) {
      LOG.info("wrote the restored secrets of {} job version(s) back to their targets", written);
    }
    return written;
  }

  /** {@code TARGET/secrets-to-restore/JOB/VERSION.sealed} under {@code infrastructure}. */
  private static List<Path> pending(Path infrastructure) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> targets = Files.list(infrastructure)) {
      for (Path target : targets.sorted().toList()) {
        Path dir = target.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir, 2)) {
          walk.filter(p -> p.getNameCount() == dir.getNameCount() + 2)
              .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
              .filter(Files::isRegularFile)
              .sorted()
              .forEach(files::add);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list the restored secrets under {}: {}", infrastructure, e.toString());
    }
    return files;
  }
}
