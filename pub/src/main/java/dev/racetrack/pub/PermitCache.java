package dev.racetrack.pub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caches granted permits by (job, version as asked, path, token hash). Fresh entries answer on
 * their own; stale ones only stand in while lifecycle is unreachable. Refusals are never cached.
 */
final class PermitCache {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  private final Duration freshFor;
  private final Duration usableFor;
  private final Clock clock;

  private record Entry(CallPermit permit, Instant fetched) {}

  PermitCache(Duration freshFor, Duration usableFor, Clock clock) {
    this.freshFor = freshFor;
    this.usableFor = usableFor;
    this.clock = clock;
  }

  static String key(String job, String version, String path, Optional<String> token) {
    return keyOfHash(job, version, path, token.map(PermitCache::tokenHash).orElse("-"));
  }

  /** The key of a call whose token hashes to {@code tokenHash} ({@code "-"}: no token). */
  static String keyOfHash(String job, String version, String path, String tokenHash) {
    return job + '\n' + version + '\n' + path + '\n' + tokenHash;
  }

  /** What the cache keeps of a token: its SHA-256, never the token itself. */
  static String tokenHash(String token) {
    return HexFormat.of().formatHex(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  Optional<CallPermit> fresh(String key) {
    return find(key, freshFor);
  }

  Optional<CallPermit> stale(String key) {
    return find(key, usableFor);
  }

  private Optional<CallPermit> find(String key, Duration maxAge) {
    Entry entry = entries.get(key);
    if (entry == null || Duration.between(entry.fetched(), clock.instant()).compareTo(maxAge) > 0) {
      return Optional.empty();
    }
    return Optional.of(entry.permit());
  }

  void put(String key, CallPermit permit) {
    entries.put(key, new Entry(permit, clock.instant()));
  }

  /** The current generation; it changes with every {@link #clear()}. */
  long generation() {
    return generation.get();
  }

  /**
   * Stores a permit unless the cache was cleared since {@code generationAtRequest}: an answer
   * lifecycle gave before an invalidation must not outlive it.
   */
  synchronized void putIfCurrent(String key, CallPermit permit, long generationAtRequest) {
    if (generation.get() == generationAtRequest) {
      put(key, permit);
    }
  }

  /** Drops the entries of one job (e.g. after its address stopped answering). */
  void invalidateJob(String job) {
    entries.keySet().removeIf(key -> key.startsWith(job + '\n'));
  }

  /** Drops everything (e.g. when lifecycle says permissions changed). */
  synchronized void clear() {
    generation.incrementAndGet();
    entries.clear();
  }

  /** Drops entries too old to be used at all. */
  void sweep() {
    Instant limit = clock.instant().minus(usableFor);
    entries.values().removeIf(e -> e.fetched().isBefore(limit));
  }

  int size() {
    return entries.size();
  }
}
