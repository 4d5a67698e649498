package dev.racetrack.pub;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PUB's limits on what callers may hold and send.
 *
 * @param headTimeout absolute deadline for a request head to arrive whole ({@code
 *     PUB_HEAD_TIMEOUT}); slower callers get 408 and are disconnected
 * @param maxConnections open client connections in total ({@code PUB_MAX_CONNECTIONS})
 * @param maxConnectionsPerAddress open client connections per client address ({@code
 *     MAX_CONNECTIONS_PER_ADDRESS}); over either cap a new connection gets 429 and is closed
 * @param maxHeaderSize bytes of a request's header fields ({@code PUB_MAX_HEADER_SIZE}); more is
 *     431
 * @param maxBody bytes of a body PUB reads whole (async calls, and a call kept for {@code Prefer:
 *     respond-async}; {@code PUB_MAX_BODY}); more is 413
 * @param callTimeout the call timeout of jobs that set no {@code call_timeout} ({@code
 *     PUB_CALL_TIMEOUT})
 * @param eventLoops threads serving PUB's port and its job connections ({@code
 *     PUB_EVENT_LOOP_THREADS}; 0: one per core)
 */
public record PubLimits(
    Duration headTimeout,
    int maxConnections,
    int maxConnectionsPerAddress,
    int maxHeaderSize,
    long maxBody,
    Duration callTimeout,
    int eventLoops) {

  /** The default call timeout: the original Racetrack's hard limit for a job call (2 hours). */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofHours(2);

  public PubLimits {
    if (headTimeout.isZero() || headTimeout.isNegative() || callTimeout.isZero()) {
      throw new ValidationException("PUB_HEAD_TIMEOUT and PUB_CALL_TIMEOUT must be positive");
    }
    if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxHeaderSize < 1024) {
      throw new ValidationException(
          "PUB_MAX_CONNECTIONS and MAX_CONNECTIONS_PER_ADDRESS must be positive,"
              + " PUB_MAX_HEADER_SIZE at least 1024");
    }
  }

  public static PubLimits defaults() {
    return fromEnv(Map.of());
  }

  static PubLimits fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    return new PubLimits(
        Duration.ofMillis((long) (e.positiveDouble("PUB_HEAD_TIMEOUT", 30) * 1000)),
        (int) e.positiveLong("PUB_MAX_CONNECTIONS", 10_000),
        (int) e.positiveLong("MAX_CONNECTIONS_PER_ADDRESS", 256),
        (int) e.positiveLong("PUB_MAX_HEADER_SIZE", 65_536),
        e.positiveLong("PUB_MAX_BODY", 10L * 1024 * 1024),
        Duration.ofMillis(
            (long) (e.positiveDouble("PUB_CALL_TIMEOUT", DEFAULT_CALL_TIMEOUT.toSeconds()) * 1000)),
        (int) e.positiveLong("PUB_EVENT_LOOP_THREADS", Runtime.getRuntime().availableProcessors()));
  }

  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("head_timeout", headTimeout);
    out.put("max_connections", maxConnections);
    out.put("max_connections_per_address", maxConnectionsPerAddress);
    out.put("max_header_size", maxHeaderSize);
    out.put("max_body", maxBody);
    out.put("call_timeout", callTimeout);
    out.put("event_loops", eventLoops);
    return out;
  }
}
