package dev.racetrack.lifecycle.supervisor;

import com.fasterxml.jackson.databind.SequenceWriter;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes the Prometheus file-based service discovery list of jobs (§6.5): one entry per job that is
 * not lost, with its address and {@code job}, {@code job_name}, {@code job_version} labels.
 */
public final class PrometheusTargets {
  private final Path file;

  public PrometheusTargets(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public void write(List<Job> jobs) {
    write(jobs::forEach);
  }

  /**
   * Writes the list from jobs as they are streamed (e.g. {@code
   * JobRepository::forEachWithoutManifests}), entry by entry to a temporary file renamed over the
   * old one: no list of every job, nor the whole YAML text, is held in memory.
   */
  public void write(Consumer<Consumer<Job>> jobs) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".sd", ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp);
          SequenceWriter entries = Json.yaml().writer().writeValuesAsArray(out)) {
        jobs.accept(
            j -> {
              if (j.status() != JobStatus.LOST && j.internalName() != null) {
                write(entries, entry(j));
              }
            });
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(SequenceWriter entries, Map<String, Object> entry) {
    try {
      entries.write(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> entry(Job j) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("job", Manifest.resourceName(j.name(), j.version()));
    labels.put("job_name", j.name());
    labels.put("job_version", j.version());
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(
        "targets",
        j.replicaInternalNames().isEmpty() ? List.of(j.internalName()) : j.replicaInternalNames());
    entry.put("labels", labels);
    return entry;
  }
}
