package dev.racetrack.pub;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides job calls: a fresh cached permit, else lifecycle's answer; when lifecycle is unreachable
 * a permit granted within the stale window is still honoured, anything else gets 503.
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
    LifecycleClient.Answer answer = ask(key, generation, job, version, path, token, tracingId);
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
   * Asks lifecycle, once for concurrent identical calls: when a permit expires under load, the
   * calls waiting for the same answer share one question instead of each asking (they only join a
   * question asked since the last invalidation, so none gets an answer older than a revocation).
   */
  private LifecycleClient.Answer ask(
      String key,
      long generation,
      String job,
      String version,
      String path,
      Optional<String> token,
      String tracingId) {
    Flight mine = new Flight(generation, new CompletableFuture<>());
    Flight running = inFlight.putIfAbsent(key, mine);
    if (running != null && running.generation() == generation) {
      try {
        return running.answer().join();
      } catch (CompletionException | CancellationException e) {
        // the leader failed unexpectedly: ask for this call alone
      }
    }
    boolean leading = running == null;
    try {
      LifecycleClient.Answer answer =
          metrics.timeLifecycleCall(() -> lifecycle.canCall(job, version, path, token, tracingId));
      if (leading) {
        mine.answer().complete(answer);
      }
      return answer;
    } catch (RuntimeException e) {
      if (leading) {
        mine.answer().completeExceptionally(e);
      }
      throw e;
    } finally {
      if (leading) {
        inFlight.remove(key, mine);
      }
    }
  }
}
