package dev.racetrack.pub;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What PUB worked out for the last job call on one client connection. A keep-alive client repeats
 * the same target with the same token, so the target is routed and checked (path splits, dot
 * segment and encoding checks), the permit-cache key built, and the job's meters and secret looked
 * up once per connection and target rather than once per call (docs/benchmarks.md, "PUB speed").
 * Each entry is used only for a request with the same input (same URI and {@code Host}, same job
 * path, same token hash, same permit), so any other call is worked out afresh. Used on the
 * connection's event loop only.
 */
final class RouteMemo {
  /** A request routed to a job call: its route and the path after {@code /job/}. */
  record Routed(JobCall.Route route, String rest) {}

  /** A checked job path: the job, its version and the path within the job. */
  record Target(String job, String version, String jobPath) {}

  /** What a proxied call needs of its job version: its meters and the secret PUB presents. */
  record PerJob(PubMetrics.JobMeters meters, String secret) {}

  private String uri;
  private String host;
  private Routed routed;
  private String rest;
  private Target target;
  private Target keyTarget;
  private String tokenHash;
  private String key;
  private CallPermit permit;
  private PerJob perJob;

  /** The remembered route of a request for {@code uri} with this {@code Host} field, if any. */
  Optional<Routed> routed(String uri, Optional<String> host) {
    return routed != null && uri.equals(this.uri) && Objects.equals(host.orElse(null), this.host)
        ? Optional.of(routed)
        : Optional.empty();
  }

  void remember(String uri, Optional<String> host, Routed routed) {
    this.uri = uri;
    this.host = host.orElse(null);
    this.routed = routed;
  }

  /** The remembered checked target of the job path {@code rest}, if any. */
  Optional<Target> target(String rest) {
    return target != null && rest.equals(this.rest) ? Optional.of(target) : Optional.empty();
  }

  void remember(String rest, Target target) {
    this.rest = rest;
    this.target = target;
  }

  /** The permit-cache key of a call to {@code target} with a token hashing to {@code tokenHash}. */
  String key(Target target, String tokenHash) {
    if (!target.equals(keyTarget) || !tokenHash.equals(this.tokenHash)) {
      key = PermitCache.keyOfHash(target.job(), target.version(), target.jobPath(), tokenHash);
      keyTarget = target;
      this.tokenHash = tokenHash;
    }
    return key;
  }

  /** The meters and secret of {@code permit}'s job, looked up again only for another permit. */
  PerJob perJob(CallPermit permit, Function<CallPermit, PerJob> lookUp) {
    if (permit != this.permit || perJob == null) {
      perJob = lookUp.apply(permit);
      this.permit = permit;
    }
    return perJob;
  }

  /** Forgets everything (the connection ended). */
  void clear() {
    uri = null;
    host = null;
    routed = null;
    rest = null;
    target = null;
    keyTarget = null;
    tokenHash = null;
    key = null;
    permit = null;
    perJob = null;
  }
}
