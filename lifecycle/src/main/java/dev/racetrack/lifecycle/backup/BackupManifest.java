package dev.racetrack.lifecycle.backup;

import java.util.List;
import java.util.Objects;

/**
 * What a backup holds, written as {@code manifest.json}, the archive's last entry: the platform and
 * schema versions it came from, the absolute data directory it was taken of (empty in backups made
 * before it was recorded), the tables in load order (parents before children), the sequences'
 * values, a SHA-256 of every other entry, and the job images in use when it was taken.
 */
public record BackupManifest(
    int format,
    String platformVersion,
    String schemaVersion,
    String createdAt,
    String dataDir,
    List<Table> tables,
    List<SequenceValue> sequences,
    List<Entry> entries,
    List<JobImage> images,
    List<String> warnings) {
  public static final int FORMAT = 1;

  public BackupManifest {
    Objects.requireNonNull(platformVersion, "platformVersion");
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    Objects.requireNonNull(createdAt, "createdAt");
    dataDir = Objects.requireNonNullElse(dataDir, ""); // absent from older manifests
    tables = List.copyOf(tables);
    sequences = List.copyOf(sequences);
    entries = List.copyOf(entries);
    images = List.copyOf(images);
    warnings = List.copyOf(warnings);
  }

  /** A table's columns (as copied), its row count and how many archive parts hold its rows. */
  public record Table(String name, List<String> columns, long rows, int parts) {
    public Table {
      columns = List.copyOf(columns);
    }

    String part(int index) {
      return "db/" + name + "." + String.format(java.util.Locale.ROOT, "%05d", index);
    }
  }

  /** A sequence's value: {@code called} false means nextval has not been used yet. */
  public record SequenceValue(String name, long value, boolean called) {}

  /** An archive entry with its size and SHA-256 (a symbolic link's is of its target). */
  public record Entry(String name, long size, String sha256) {}

  /** A job version registered when the backup was taken and the image or artifact it runs. */
  public record JobImage(String name, String version, String status, String image, String target) {}

  long rows() {
    return tables.stream().mapToLong(Table::rows).sum();
  }
}
