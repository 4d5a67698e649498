package dev.racetrack.lifecycle.backup;

import java.util.Optional;

/**
 * The job secrets an infrastructure target keeps outside the data directory (a cluster's Secrets),
 * which a backup cannot copy as files: for each registered job version, the file to restore them to
 * and its content, sealed as at rest.
 */
@FunctionalInterface
public interface TargetSecrets {
  /** For platforms whose targets keep every secret in the data directory. */
  TargetSecrets NONE = job -> Optional.empty();

  /**
   * The sealed secrets of a job version; empty when its target keeps them in the data directory
   * (they are in the backup's files already) or holds none for it.
   *
   * @throws BackupException when the target cannot be read
   */
  Optional<SealedFile> export(BackupManifest.JobImage job);

  /**
   * @param path relative to the data directory
   */
  record SealedFile(String path, byte[] content) {}
}
