package dev.racetrack.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job version a target started.
 *
 * @param internalName host:port the gateway forwards calls to
 * @param replicaInternalNames host:port of each replica
 * @param stats target statistics such as {@code number_of_restarts}
 */
public record DeployedJob(
    String internalName, List<String> replicaInternalNames, Map<String, Object> stats) {
  public DeployedJob {
    Objects.requireNonNull(internalName, "internalName");
    replicaInternalNames = List.copyOf(replicaInternalNames);
    stats = Map.copyOf(stats);
  }
}
