package dev.racetrack.local;

import java.util.Objects;

/**
 * What the local target remembers of a job version between platform restarts ({@code state.json}).
 *
 * @param artifactDir the built artifact the job runs from
 * @param port loopback port the job listens on
 * @param pid process id of the running instance, 0 when none
 * @param processStart start instant of that process (guards against pid reuse)
 * @param restarts how many times the platform restarted the job after a crash
 * @param memoryLimitBytes the job's memory limit ({@code resources.memory_max}); 0 in state files
 *     written before limits existed: none
 * @param cpuQuotaMicros the job's CFS quota per 100 ms ({@code resources.cpu_max}); 0 in state
 *     files written before CPU limits existed: the default of one core
 */
public record LocalJobState(
    String name,
    String version,
    String artifactDir,
    long deploymentTimestamp,
    int port,
    long pid,
    String processStart,
    int restarts,
    long memoryLimitBytes,
    long cpuQuotaMicros) {
  public LocalJobState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(artifactDir, "artifactDir");
    processStart = processStart == null ? "" : processStart;
  }

  public LocalJobState withProcess(long newPid, String start) {
    return new LocalJobState(
        name,
        version,
        artifactDir,
        deploymentTimestamp,
        port,
        newPid,
        start,
        restarts,
        memoryLimitBytes,
        cpuQuotaMicros);
  }

  public LocalJobState withRestarts(int count) {
    return new LocalJobState(
        name,
        version,
        artifactDir,
        deploymentTimestamp,
        port,
        pid,
        processStart,
        count,
        memoryLimitBytes,
        cpuQuotaMicros);
  }
}
