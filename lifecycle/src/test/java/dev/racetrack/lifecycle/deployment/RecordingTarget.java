package dev.racetrack.lifecycle.deployment;

import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobState;
import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A target whose jobs start at once; it remembers what it was asked to start and delete. */
public final class RecordingTarget implements InfrastructureTarget {
  public final List<String> deleted = new CopyOnWriteArrayList<>();
  public final List<JobProvision> provisioned = new CopyOnWriteArrayList<>();
  public final Map<String, JobSecrets> savedSecrets =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** When set, saving secrets fails with it (e.g. the target's store is unreachable). */
  public volatile RuntimeException savingFails;

  /** Runs while a deployment starts, before it returns (e.g. what happens meanwhile). */
  public volatile Runnable whileStarting = () -> {};

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
    provisioned.add(provision);
    whileStarting.run();
    return new DeployedJob(provision.manifest().resourceName(), List.of(), Map.of());
  }

  @Override
  public void delete(String jobName, String jobVersion) {
    deleted.add(jobName + " v" + jobVersion);
  }

  @Override
  public List<JobState> list() {
    return List.of();
  }

  @Override
  public String recentLogs(String jobName, String jobVersion, int tail) {
    return "";
  }

  @Override
  public Closeable followLogs(
      String jobName, String jobVersion, int tail, Consumer<String> onLine) {
    return () -> {};
  }

  @Override
  public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {
    if (savingFails != null) {
      throw savingFails;
    }
    savedSecrets.put(jobName + " v" + jobVersion, secrets);
  }

  @Override
  public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
    return Optional.ofNullable(savedSecrets.get(jobName + " v" + jobVersion));
  }

  @Override
  public void close() {}
}
