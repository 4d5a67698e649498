package dev.racetrack.spi;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where jobs run (local processes, Docker, Kubernetes). One instance per target, created by its
 * {@link InfrastructurePlugin}; thread-safe.
 */
public interface InfrastructureTarget extends AutoCloseable {

  /** Target name as written in {@code infrastructure_target}, e.g. {@code local}. */
  String name();

  /**
   * Whether this target runs OCI images (Docker, Kubernetes): then builds for it produce an image
   * in the registry and {@link JobProvision#imageName()} is an image reference pinned by digest;
   * otherwise (the local target) it is an artifact directory.
   */
  default boolean runsImages() {
    return false;
  }

  /**
   * Starts (or replaces) a job version and waits until it is alive and ready. A replaced version
   * keeps serving until the new one is ready; if the new one fails, the previous one stays.
   *
   * @param phases receives {@code starting Job server} and {@code initializing Job entrypoint}
   * @throws JobStartException when the job does not become ready; the message includes its logs
   */
  DeployedJob deploy(JobProvision provision, Consumer<String> phases);

  /** Stops a job version and removes everything the target keeps for it, secrets included. */
  void delete(String jobName, String jobVersion);

  /** The jobs this target runs, with their observed status (the monitor of §6.3). */
  List<JobState> list();

  /** The last {@code tail} lines of a job's output ({@code tail <= 0}: everything kept). */
  String recentLogs(String jobName, String jobVersion, int tail);

  /**
   * Streams a job's output: first the last {@code tail} lines, then new lines as they come, until
   * the returned handle is closed.
   */
  Closeable followLogs(String jobName, String jobVersion, int tail, Consumer<String> onLine);

  /** Stores the secrets of a job version so it can be redeployed later by anyone permitted. */
  void saveSecrets(String jobName, String jobVersion, JobSecrets secrets);

  /** Secrets stored for a job version. */
  Optional<JobSecrets> secrets(String jobName, String jobVersion);

  /** Releases resources; running jobs keep running. */
  @Override
  void close();
}
