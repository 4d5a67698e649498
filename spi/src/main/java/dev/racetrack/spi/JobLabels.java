package dev.racetrack.spi;

/**
 * The labels every container infrastructure target puts on what it runs for a job version (the
 * admin guide finds job Secrets by {@link #JOB}), so a job carries the same labels on Docker and on
 * Kubernetes.
 */
public final class JobLabels {
  /** On every object of every job. */
  public static final String JOB = "racetrack/job";

  /** The job's name. */
  public static final String NAME = "racetrack/job-name";

  /** The job's version. */
  public static final String VERSION = "racetrack/job-version";

  /** The deployment that started it, so a rollout tells new replicas from old. */
  public static final String DEPLOYMENT_TIMESTAMP = "racetrack/deployment-timestamp";

  private JobLabels() {}
}
