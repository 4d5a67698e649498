package dev.racetrack.pub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lifecycle's answer to "may this token call this job endpoint": the job to forward to, who is
 * calling, and the job's call limits from its manifest.
 *
 * @param jobVersion the resolved version ({@code latest} replaced by the concrete one)
 * @param internalName host:port of the job
 * @param caller the caller name forwarded to the job, if any
 * @param callTimeout the job's {@code call_timeout}; empty: PUB's default
 * @param maxConcurrency calls the job serves at once ({@code jobtype_extra.max_concurrency}); 0: no
 *     limit at PUB
 * @param maxConcurrencyQueue calls that may wait for a free slot beyond {@code maxConcurrency}
 * @param replicaInternalNames host:port of each replica when the job runs more than one (calls are
 *     spread over them); empty: every call goes to {@code internalName}
 */
public record CallPermit(
    String jobName,
    String jobVersion,
    String internalName,
    String jobStatus,
    Optional<String> caller,
    Optional<Duration> callTimeout,
    int maxConcurrency,
    int maxConcurrencyQueue,
    List<String> replicaInternalNames) {
  public CallPermit {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(jobVersion, "jobVersion");
    Objects.requireNonNull(internalName, "internalName");
    Objects.requireNonNull(jobStatus, "jobStatus");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (maxConcurrency < 0 || maxConcurrencyQueue < 0) {
      throw new IllegalArgumentException("concurrency limits must not be negative");
    }
    replicaInternalNames = List.copyOf(replicaInternalNames);
  }

  /** A permit for a job with one address. */
  public CallPermit(
      String jobName,
      String jobVersion,
      String internalName,
      String jobStatus,
      Optional<String> caller,
      Optional<Duration> callTimeout,
      int maxConcurrency,
      int maxConcurrencyQueue) {
    this(
        jobName,
        jobVersion,
        internalName,
        jobStatus,
        caller,
        callTimeout,
        maxConcurrency,
        maxConcurrencyQueue,
        List.of());
  }

  /**
   * Where this call goes: one of the replicas, picked at random (no shared counter to contend on
   * across event loops; over many calls each replica gets its share), or the job's one address.
   */
  public String upstream() {
    int replicas = replicaInternalNames.size();
    return replicas < 2
        ? internalName
        : replicaInternalNames.get(ThreadLocalRandom.current().nextInt(replicas));
  }

  /** A permit without call limits of the job's own. */
  public CallPermit(
      String jobName,
      String jobVersion,
      String internalName,
      String jobStatus,
      Optional<String> caller) {
    this(jobName, jobVersion, internalName, jobStatus, caller, Optional.empty(), 0, 0);
  }
}
