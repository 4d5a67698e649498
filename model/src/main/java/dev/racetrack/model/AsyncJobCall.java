package dev.racetrack.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An async job call as PUB and lifecycle exchange it ({@code AsyncJobCallDto} of §14.2, plus the
 * lease that makes one PUB its owner). Times are Unix seconds; bodies are bytes (base64 in JSON).
 *
 * @param status {@code ongoing}, {@code completed} or {@code failed}
 * @param requestHeaders the headers the job is called with; credentials and the job secret ({@link
 *     #SECRET_HEADERS}) are dropped here, so they are never stored
 * @param attempts how many times the job was called (or is being called) for this task
 * @param ownerId the PUB instance running the task while its lease lasts
 * @param leaseUntil until when the owner holds the task, when ongoing
 */
public record AsyncJobCall(
    String id,
    String status,
    double startedAt,
    @Nullable Double endedAt,
    @Nullable String error,
    String jobName,
    String jobVersion,
    String jobPath,
    String requestMethod,
    String requestUrl,
    Map<String, String> requestHeaders,
    byte[] requestBody,
    @Nullable Integer responseStatusCode,
    Map<String, String> responseHeaders,
    byte[] responseBody,
    int attempts,
    String pubInstanceAddr,
    boolean retriableError,
    String ownerId,
    @Nullable Double leaseUntil) {

  public static final String ONGOING = "ongoing";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  private static final Set<String> STATUSES = Set.of(ONGOING, COMPLETED, FAILED);

  /** Request headers never stored (lower case): credentials and the job's secret. */
  public static final Set<String> SECRET_HEADERS =
      Set.of(
          "x-racetrack-auth",
          "x-racetrack-esc-auth",
          "x-racetrack-user-auth",
          "x-racetrack-job-secret",
          "x-racetrack-internal-token",
          "authorization",
          "proxy-authorization",
          "cookie");

  public AsyncJobCall {
    Objects.requireNonNull(id, "id");
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("not an async call status: " + status);
    }
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(jobVersion, "jobVersion");
    Objects.requireNonNull(jobPath, "jobPath");
    Objects.requireNonNull(requestMethod, "requestMethod");
    Objects.requireNonNull(requestUrl, "requestUrl");
    requestHeaders = withoutSecrets(requestHeaders == null ? Map.of() : requestHeaders);
    requestBody = requestBody == null ? new byte[0] : requestBody;
    responseHeaders = responseHeaders == null ? Map.of() : Map.copyOf(responseHeaders);
    responseBody = responseBody == null ? new byte[0] : responseBody;
    pubInstanceAddr = pubInstanceAddr == null ? "" : pubInstanceAddr;
    ownerId = ownerId == null ? "" : ownerId;
  }

  public boolean ongoing() {
    return ONGOING.equals(status);
  }

  /** This call ended: completed with the job's answer, or failed with {@code error}. */
  public AsyncJobCall ended(
      String newStatus,
      double at,
      @Nullable String errorText,
      boolean retriable,
      @Nullable Integer statusCode,
      Map<String, String> headers,
      byte[] body) {
    return new AsyncJobCall(
        id,
        newStatus,
        startedAt,
        at,
        errorText,
        jobName,
        jobVersion,
        jobPath,
        requestMethod,
        requestUrl,
        requestHeaders,
        requestBody,
        statusCode,
        headers,
        body,
        attempts,
        pubInstanceAddr,
        retriable,
        ownerId,
        leaseUntil);
  }

  /** The same call, ongoing again for another attempt. */
  public AsyncJobCall nextAttempt() {
    return new AsyncJobCall(
        id,
        ONGOING,
        startedAt,
        null,
        error,
        jobName,
        jobVersion,
        jobPath,
        requestMethod,
        requestUrl,
        requestHeaders,
        requestBody,
        null,
        Map.of(),
        new byte[0],
        attempts + 1,
        pubInstanceAddr,
        retriableError,
        ownerId,
        leaseUntil);
  }

  private static Map<String, String> withoutSecrets(Map<String, String> headers) {
    Map<String, String> kept = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          if (!SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            kept.put(name, value);
          }
        });
    return Collections.unmodifiableMap(kept);
  }
}
