package dev.racetrack.javawrapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lets a job perform only for PUB: every request except the probes ({@code /live}, {@code /ready},
 * {@code /health}) and {@code /metrics} (scraped by Prometheus on the job's port) must carry the
 * job's secret in {@value #HEADER}, compared in constant time. A local process calling the job's
 * port directly gets 401. A job started without a secret answers every other request with 401.
 */
final class JobCallGuard {
  /** The header PUB sends the secret in. */
  static final String HEADER = "X-Racetrack-Job-Secret";

  private static final Set<String> OPEN = Set.of("/live", "/ready", "/health", "/metrics");

  private final byte[] secret;

  JobCallGuard(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Empty when the request may go on, else the 401 answer. */
  Optional<Response> check(String jobPath, RequestContext request) {
    if (OPEN.contains(jobPath)) {
      return Optional.empty();
    }
    if (secret.length == 0) {
      return Optional.of(
          unauthorized(
              "this job was started without "
                  + JobConfig.CALL_SECRET_ENV
                  + " and performs for nobody; redeploy it with Racetrack"));
    }
    Optional<String> presented = request.header(HEADER);
    if (presented.isEmpty()
        || !MessageDigest.isEqual(secret, presented.get().getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(unauthorized("calls to this job must come through Racetrack's gateway"));
    }
    return Optional.empty();
  }

  private static Response unauthorized(String message) {
    return Response.json(401, Map.of("error", message, "type", "unauthorized"));
  }
}
