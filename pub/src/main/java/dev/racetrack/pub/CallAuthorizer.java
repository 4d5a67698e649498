package dev.racetrack.pub;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides job calls: a fresh cached permit (decided at once, on the caller's event loop), else
 * lifecycle's answer, asked without blocking; when lifecycle is unreachable a permit granted within
 * the stale window is still honoured, anything else gets 503.
 */
final class CallAuthorizer {
  private final LifecycleClient lifecycle;
  private final PermitCache cache;
  private final PubMetrics metrics;
  private final ConcurrentHashMap<String, Flight> inFlight = new ConcurrentHashMap<>();

  CallAuthorizer(LifecycleClient lifecycle, PermitCache cache, PubMetrics metrics) {
    this.lifecycle = lifecycle;
    this.cache = cache;
    this.metrics = metrics;
  }

  /** A permit from the cache, decided on the calling thread; empty when lifecycle must be asked. */
  Optional<CallPermit> cached(String key) {
    Optional<CallPermit> cached = cache.fresh(key);
    if (cached.isPresent()) {
      metrics.retrievedFromCache();
      metrics.authSucceeded();
    }
    return cached;
  }

  /**
   * Asks lifecycle (the cache had no fresh permit for {@code key}); the future completes on
   * lifecycle's client thread, never blocking the caller.
   */
  CompletableFuture<Decision> ask(
      String key,
      String job,
      String version,
      String path,
      Optional<String> token,
      String tracingId) {
    long generation = cache.generation();
    return question(key, generation, job, version, path, token, tracingId)
        .thenApply(answer -> decide(key, generation, answer));
  }

  private Decision decide(String key, long generation, LifecycleClient.Answer answer) {
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

  /** A question to lifecycle in progress, asked while the cache had {@code generation}. */
  private record Flight(long generation, CompletableFuture<LifecycleClient.Answer> answer) {}

  /**
   * Asks lifecycle once for concurrent identical calls: when a permit expires under load, the calls
   * waiting for the same answer share one question (one in-flight future per key); they only join a
   * question asked since the last invalidation, so none gets an answer older than a revocation.
   */
  private CompletableFuture<LifecycleClient.Answer> question(
      String key,
      long generation,
      String job,
      String version,
      String path,
      Optional<String> token,
      String tracingId) {
    CompletableFuture<LifecycleClient.Answer> mine = new CompletableFuture<>();
    Flight flight = new Flight(generation, mine);
    Flight running = inFlight.putIfAbsent(key, flight);
    if (running != null) {
      if (running.generation() == generation) {
        return running.answer();
      }
      // asked before an invalidation: ask again for this call alone
      return metrics.countLifecycleCall(lifecycle.canCall(job, version, path, token, tracingId));
    }
    metrics
        .countLifecycleCall(lifecycle.canCall(job, version, path, token, tracingId))
        .whenComplete(
            (answer, failure) -> {
              inFlight.remove(key, flight);
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(answer);
              }
            });
    return mine;
  }
}
