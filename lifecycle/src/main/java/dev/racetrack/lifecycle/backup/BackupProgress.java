package dev.racetrack.lifecycle.backup;

import java.nio.file.Path;
import java.time.Duration;

/** Progress of a backup or a restore, reported as it goes. */
public sealed interface BackupProgress {
  /** A table's rows were copied (out of the snapshot, or into the database). */
  record TableCopied(String table, long rows) implements BackupProgress {}

  /** A directory of the data directory was copied (into the archive, or out of it). */
  record SectionCopied(String section, int files, long bytes) implements BackupProgress {}

  /** The archive decrypted and every checksum matched; nothing has been changed yet. */
  record Verified(int entries, long rows, String platformVersion, String schemaVersion)
      implements BackupProgress {}

  /** The backup or restore is complete. */
  record Finished(Path file, long bytes, Duration took) implements BackupProgress {}
}
