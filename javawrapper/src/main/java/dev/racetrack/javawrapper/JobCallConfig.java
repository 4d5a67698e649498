package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of job-to-job calls through the Racetrack gateway (PUB).
 *
 * @param pubUrl base URL of PUB, e.g. {@code http://pub:7005/pub}; empty when calls are disabled
 * @param authToken token of the job family, sent as {@code X-Racetrack-Auth}; may be empty
 * @param tracingHeader name of the request tracing id header propagated to called jobs
 * @param callerHeader name of the caller name header propagated to called jobs
 * @param timeout timeout of one call
 */
public record JobCallConfig(
    String pubUrl, String authToken, String tracingHeader, String callerHeader, Duration timeout) {

  public static final String DEFAULT_TRACING_HEADER = "X-Request-Tracing-Id";
  public static final String DEFAULT_CALLER_HEADER = "X-Caller-Name";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public JobCallConfig {
    requireNonNull(pubUrl, "pubUrl");
    requireNonNull(authToken, "authToken");
    requireNonNull(tracingHeader, "tracingHeader");
    requireNonNull(callerHeader, "callerHeader");
    requireNonNull(timeout, "timeout");
    pubUrl = pubUrl.endsWith("/") ? pubUrl.substring(0, pubUrl.length() - 1) : pubUrl;
  }

  /** Reads {@code PUB_URL}, {@code AUTH_TOKEN}, {@code REQUEST_TRACING_HEADER} and friends. */
  public static JobCallConfig fromEnv(Map<String, String> environment) {
    EnvVars env = new EnvVars(environment);
    return new JobCallConfig(
        env.string("PUB_URL", ""),
        env.string("AUTH_TOKEN", ""),
        env.string("REQUEST_TRACING_HEADER", DEFAULT_TRACING_HEADER),
        env.string("CALLER_NAME_HEADER", DEFAULT_CALLER_HEADER),
        DEFAULT_TIMEOUT);
  }

  @Override
  public String toString() {
    // concatenated, not String.format: Formatter loads the locale data, logged at every start
    return "JobCallConfig[pubUrl="
        + pubUrl
        + ", authToken="
        + (authToken.isEmpty() ? "" : "***")
        + ", tracingHeader="
        + tracingHeader
        + ", callerHeader="
        + callerHeader
        + ", timeout="
        + timeout
        + "]";
  }
}
