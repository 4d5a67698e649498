package dev.racetrack.pub;

import dev.racetrack.model.config.EnvReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of PUB (§5.1).
 *
 * @param lifecycleUrl where authorization questions go
 * @param cacheTtl how long a granted authorization is reused without asking lifecycle
 * @param staleTtl how long a granted authorization may still be used while lifecycle is unreachable
 * @param internalToken the secret lifecycle presents when it tells PUB to drop cached answers
 * @param eventLoopFront whether an event-loop front forwards cached job calls itself (see {@link
 *     FrontServer}); off, the gateway serves the port directly
 */
public record PubConfig(
    String host,
    int port,
    String lifecycleUrl,
    Duration cacheTtl,
    Duration staleTtl,
    Duration connectTimeout,
    String internalToken,
    boolean eventLoopFront) {

  /**
   * Reads the settings; {@code internalToken} is the secret lifecycle presents to invalidate the
   * cache.
   */
  public static PubConfig fromEnv(Map<String, String> env, String internalToken) {
    EnvReader e = new EnvReader(env);
    int lifecyclePort = e.port("LIFECYCLE_PORT", 7202);
    return new PubConfig(
        e.string("PUB_HOST", "127.0.0.1"),
        e.port("PUB_PORT", 7205),
        e.url("LIFECYCLE_URL", "http://127.0.0.1:" + lifecyclePort + "/lifecycle"),
        Duration.ofMillis((long) (e.positiveDouble("LIFECYCLE_CACHE_TTL_MIN", 5) * 1000)),
        Duration.ofMillis((long) (e.positiveDouble("LIFECYCLE_CACHE_TTL_MAX", 600) * 1000)),
        Duration.ofSeconds(e.positiveLong("PUB_CONNECT_TIMEOUT", 10)),
        internalToken,
        e.bool("PUB_EVENT_LOOP_FRONT", true));
  }

  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("listen", host + ":" + port);
    out.put("lifecycle_url", lifecycleUrl);
    out.put("cache_ttl", cacheTtl);
    out.put("stale_ttl", staleTtl);
    out.put("event_loop_front", eventLoopFront);
    out.put("internal_token", "(redacted)");
    return out;
  }
}
