package dev.racetrack.spi;

import dev.racetrack.model.JobStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A job as its target observes it.
 *
 * @param status {@link JobStatus#RUNNING} or {@link JobStatus#ERROR}
 * @param error why the job is failing, empty when running
 * @param lastCallTime Unix seconds of the last call the job reported, if any
 */
public record JobState(
    String name,
    String version,
    JobStatus status,
    Optional<String> error,
    String internalName,
    List<String> replicaInternalNames,
    Map<String, Object> stats,
    OptionalLong lastCallTime) {

  public JobState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(internalName, "internalName");
    replicaInternalNames = List.copyOf(replicaInternalNames);
    stats = Map.copyOf(stats);
    Objects.requireNonNull(lastCallTime, "lastCallTime");
  }
}
