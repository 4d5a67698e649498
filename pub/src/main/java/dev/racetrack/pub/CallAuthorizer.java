package dev.racetrack.pub;

import java.util.Optional;

/**
 * Decides job calls: a fresh cached permit, else lifecycle's answer; when lifecycle is unreachable
 * a permit granted within the stale window is still honoured, anything else gets 503.
 */
final class CallAuthorizer {
  private final LifecycleClient lifecycle;
  private final PermitCache cache;
  private final PubMetrics metrics;

  CallAuthorizer(LifecycleClient lifecycle, PermitCache cache, PubMetrics metrics) {
    this.lifecycle = lifecycle;
    this.cache = cache;
    this.metrics = metrics;
  }

  Decision authorize(
      String job, String version, String path, Optional<String> token, String tracingId) {
    String key = PermitCache.key(job, version, path, token);
    Optional<CallPermit> cached = cache.fresh(key);
    if (cached.isPresent()) {
      metrics.retrievedFromCache();
      metrics.authSucceeded();
      return Decision.allow(cached.get());
    }
    long generation = cache.generation();
    LifecycleClient.Answer answer =
        metrics.timeLifecycleCall(() -> lifecycle.canCall(job, version, path, token, tracingId));
    Decision decision = answer.decision();
    if (decision.allowed()) {
      cache.putIfCurrent(key, decision.permit().orElseThrow(), generation);
      metrics.authSucceeded();
      return decision;
    }
    if (!answer.reachable()) {
      metrics.lifecycleError();
      Optional<CallPermit> stale = cache.stale(key);
      if (stale.isPresent()) {
        metrics.recoveredFromCache();
        return Decision.allow(stale.get());
      }
    }
    metrics.authFailed();
    return decision;
  }
}
