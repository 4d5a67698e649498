package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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
 * @param callTimeoutSeconds {@code JOB_CALL_TIMEOUT}, the manifest's {@code call_timeout} in
 *     seconds: a call still running after it is answered 504 and interrupted; 0 means no limit
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
    long callTimeoutSeconds,
    String callSecret) {

  /** The environment variable holding the secret PUB presents ({@link JobCallGuard#HEADER}). */
  public static final String CALL_SECRET_ENV = "RACETRACK_JOB_CALL_SECRET";

  /** The environment variable holding the job's call timeout in seconds (both wrappers read it). */
  public static final String CALL_TIMEOUT_ENV = "JOB_CALL_TIMEOUT";

  static final long MAX_CALL_TIMEOUT_SECONDS = 86_400;

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
    if (callTimeoutSeconds < 0) {
      throw new JobConfigException(CALL_TIMEOUT_ENV + " must be >= 0, got " + callTimeoutSeconds);
    }
  }

  /** The call timeout, when the job has one. */
  public Optional<Duration> callTimeout() {
    return callTimeoutSeconds == 0
        ? Optional.empty()
        : Optional.of(Duration.ofSeconds(callTimeoutSeconds));
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
        env.number(CALL_TIMEOUT_ENV, 0, 0, MAX_CALL_TIMEOUT_SECONDS),
        env.string(CALL_SECRET_ENV, ""));
  }

  @Override
  public String toString() {
    // concatenated, not String.format: Formatter loads the locale data, logged at every start
    return "JobConfig[jobName="
        + jobName
        + ", jobVersion="
        + jobVersion
        + ", httpAddr="
        + httpAddr
        + ", httpPort="
        + httpPort
        + ", callTimeoutSeconds="
        + callTimeoutSeconds
        + ", callSecret="
        + (callSecret.isEmpty() ? "(none)" : "(redacted)")
        + "]";
  }

  /** Canonical public base path of this job version, e.g. {@code /pub/job/adder/0.0.1}. */
  public String basePath() {
    return "/pub/job/" + jobName + "/" + jobVersion;
  }
}
