package dev.racetrack.pub.async;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of PUB's async job calls, from {@code ASYNC_*} environment variables (see
 * docs/configuration.md).
 *
 * @param pollWindow how long a poll waits for the task to end before answering 408
 * @param maxAttempts how many times a task may call its job (a retry, a re-run after a PUB died)
 * @param retryInterval the pause before a retry after the job died mid-call or answered 404
 * @param callTimeout the longest one call to the job may take
 * @param lease how long a PUB owns a task without renewing it; another PUB may then take it over
 * @param claimInterval how often a PUB looks for tasks whose owner stopped renewing
 * @param storePollInterval how often a poll re-reads a task that another PUB runs
 * @param resultLifetime how long after its end a task's result can be fetched
 * @param instanceId this PUB's owner id in the task store (unique per process)
 */
public record AsyncConfig(
    Duration pollWindow,
    int maxAttempts,
    Duration retryInterval,
    Duration callTimeout,
    Duration lease,
    Duration claimInterval,
    Duration storePollInterval,
    Duration resultLifetime,
    String instanceId) {

  public AsyncConfig {
    Objects.requireNonNull(pollWindow, "pollWindow");
    Objects.requireNonNull(retryInterval, "retryInterval");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(claimInterval, "claimInterval");
    Objects.requireNonNull(storePollInterval, "storePollInterval");
    Objects.requireNonNull(resultLifetime, "resultLifetime");
    Objects.requireNonNull(instanceId, "instanceId");
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new ValidationException(
          "environment variable ASYNC_MAX_ATTEMPTS must be from 1 to 10, got " + maxAttempts);
    }
    if (lease.compareTo(Duration.ofHours(1)) > 0) {
      throw new ValidationException(
          "environment variable ASYNC_LEASE_SECONDS must be at most 3600, got "
              + lease.toSeconds());
    }
    if (instanceId.isBlank() || instanceId.length() > 128) {
      throw new ValidationException("environment variable ASYNC_INSTANCE_ID must be 1-128 chars");
    }
  }

  /** Reads the settings; every variable is optional. */
  public static AsyncConfig fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    return new AsyncConfig(
        seconds(e, "ASYNC_POLL_WINDOW_SECONDS", 30),
        (int) e.positiveLong("ASYNC_MAX_ATTEMPTS", 2),
        seconds(e, "ASYNC_RETRY_INTERVAL_SECONDS", 10),
        seconds(e, "ASYNC_CALL_TIMEOUT_SECONDS", 7200),
        seconds(e, "ASYNC_LEASE_SECONDS", 30),
        seconds(e, "ASYNC_CLAIM_INTERVAL_SECONDS", 10),
        seconds(e, "ASYNC_STORE_POLL_SECONDS", 0.5),
        seconds(e, "ASYNC_RESULT_LIFETIME_SECONDS", 7200),
        e.string("ASYNC_INSTANCE_ID", "pub-" + UUID.randomUUID()));
  }

  private static Duration seconds(EnvReader env, String name, double fallback) {
    return Duration.ofMillis(Math.round(env.positiveDouble(name, fallback) * 1000));
  }

  /** The effective settings for the start-up log. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("poll_window", pollWindow);
    out.put("max_attempts", maxAttempts);
    out.put("retry_interval", retryInterval);
    out.put("call_timeout", callTimeout);
    out.put("lease", lease);
    out.put("claim_interval", claimInterval);
    out.put("store_poll_interval", storePollInterval);
    out.put("result_lifetime", resultLifetime);
    out.put("instance_id", instanceId);
    return out;
  }
}
