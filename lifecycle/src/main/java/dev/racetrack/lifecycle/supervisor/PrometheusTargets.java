package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    List<Map<String, Object>> entries =
        jobs.stream()
            .filter(j -> j.status() != JobStatus.LOST && j.internalName() != null)
            .map(
                j -> {
                  Map<String, Object> labels = new LinkedHashMap<>();
                  labels.put("job", Manifest.resourceName(j.name(), j.version()));
                  labels.put("job_name", j.name());
                  labels.put("job_version", j.version());
                  Map<String, Object> entry = new LinkedHashMap<>();
                  entry.put(
                      "targets",
                      j.replicaInternalNames().isEmpty()
                          ? List.of(j.internalName())
                          : j.replicaInternalNames());
                  entry.put("labels", labels);
                  return entry;
                })
            .toList();
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".sd", ".tmp");
      Files.writeString(tmp, Json.yaml().writeValueAsString(entries));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
