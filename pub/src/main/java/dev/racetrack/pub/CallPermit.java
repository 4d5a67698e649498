package dev.racetrack.pub;

import java.util.Objects;
import java.util.Optional;

/**
 * Lifecycle's answer to "may this token call this job endpoint": the job to forward to and who is
 * calling.
 *
 * @param jobVersion the resolved version ({@code latest} replaced by the concrete one)
 * @param internalName host:port of the job
 * @param caller the caller name forwarded to the job, if any
 */
public record CallPermit(
    String jobName,
    String jobVersion,
    String internalName,
    String jobStatus,
    Optional<String> caller) {
  public CallPermit {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(jobVersion, "jobVersion");
    Objects.requireNonNull(internalName, "internalName");
    Objects.requireNonNull(jobStatus, "jobStatus");
    Objects.requireNonNull(caller, "caller");
  }
}
