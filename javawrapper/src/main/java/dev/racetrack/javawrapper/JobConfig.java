package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Settings of the wrapper, built once from the environment at start-up.
 *
 * @param jobName {@code JOB_NAME}
 * @param jobVersion {@code JOB_VERSION}
 * @param deploymentTimestamp {@code JOB_DEPLOYMENT_TIMESTAMP}, Unix seconds, reported by /live
 * @param httpAddr {@code JOB_HTTP_ADDR}, address to listen on
 * @param httpPort {@code JOB_HTTP_PORT}, 0 picks a free port
 * @param maxBodyBytes {@code JOB_MAX_BODY_BYTES}, larger request bodies are refused with 413
 * @param build versions baked into the image, reported by /health
 * @param calls settings of job-to-job calls
 * @param callSecret {@code RACETRACK_JOB_CALL_SECRET}, the secret PUB presents on every call; empty
 *     when the platform gave none (then the job answers only its probes and metrics)
 */
public record JobConfig(
    String jobName,
    String jobVersion,
    long deploymentTimestamp,
    String httpAddr,
    int httpPort,
    long maxBodyBytes,
    BuildInfo build,
    JobCallConfig calls,
    String callSecret) {

  /** The environment variable holding the secret PUB presents ({@link JobCallGuard#HEADER}). */
  public static final String CALL_SECRET_ENV = "RACETRACK_JOB_CALL_SECRET";

  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  /** Versions reported by /health; empty strings when unknown. */
  public record BuildInfo(
      String jobTypeVersion, String gitVersion, String deployedByRacetrackVersion) {
    public BuildInfo {
      requireNonNull(jobTypeVersion, "jobTypeVersion");
      requireNonNull(gitVersion, "gitVersion");
      requireNonNull(deployedByRacetrackVersion, "deployedByRacetrackVersion");
    }
  }

  public JobConfig {
    requireNonNull(jobName, "jobName");
    requireNonNull(jobVersion, "jobVersion");
    requireNonNull(httpAddr, "httpAddr");
    requireNonNull(build, "build");
    requireNonNull(calls, "calls");
    requireNonNull(callSecret, "callSecret");
  }

  /** Builds the config from environment variables; throws naming the first bad variable. */
  public static JobConfig fromEnv(Map<String, String> environment) {
    EnvVars env = new EnvVars(environment);
    return new JobConfig(
        env.required("JOB_NAME"),
        env.required("JOB_VERSION"),
        env.number("JOB_DEPLOYMENT_TIMESTAMP", 0, 0, Long.MAX_VALUE),
        env.string("JOB_HTTP_ADDR", "0.0.0.0"),
        (int) env.number("JOB_HTTP_PORT", 7000, 0, 65535),
        env.number("JOB_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 0, Integer.MAX_VALUE - 8),
        new BuildInfo(
            env.string("JOB_TYPE_VERSION", ""),
            env.string("GIT_VERSION", ""),
            env.string("DEPLOYED_BY_RACETRACK_VERSION", "")),
        JobCallConfig.fromEnv(environment),
        env.string(CALL_SECRET_ENV, ""));
  }

  @Override
  public String toString() {
    return "JobConfig[jobName=%s, jobVersion=%s, httpAddr=%s, httpPort=%d, callSecret=%s]"
        .formatted(
            jobName,
            jobVersion,
            httpAddr,
            httpPort,
            callSecret.isEmpty() ? "(none)" : "(redacted)");
  }

  /** Canonical public base path of this job version, e.g. {@code /pub/job/adder/0.0.1}. */
  public String basePath() {
    return "/pub/job/" + jobName + "/" + jobVersion;
  }
}
