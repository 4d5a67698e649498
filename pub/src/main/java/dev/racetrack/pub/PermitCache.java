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

  private final long freshForNanos;
  private final long usableForNanos;
  private final Ticker ticker;

  /** {@code fetched}: the {@link Ticker} reading when lifecycle's answer was stored. */
  private record Entry(CallPermit permit, long fetched) {}

  /**
   * Where the cache reads the time: a nanosecond count that only has meaning as a difference (as
   * {@link System#nanoTime()}), cheaper per call than {@link Clock#instant()}.
   */
  @FunctionalInterface
  interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanos();

    /**
     * The system ticker for a system clock (any zone); for another clock (a test's manual one), a
     * ticker reading that clock, so the cache ages as the clock moves.
     */
    static Ticker of(Clock clock) {
      if (clock.getClass() == Clock.systemUTC().getClass()) {
        return SYSTEM;
      }
      return () -> {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      };
    }
  }

  PermitCache(Duration freshFor, Duration usableFor, Clock clock) {
    this(freshFor, usableFor, Ticker.of(clock));
  }

  PermitCache(Duration freshFor, Duration usableFor, Ticker ticker) {
    this.freshForNanos = freshFor.toNanos();
    this.usableForNanos = usableFor.toNanos();
    this.ticker = ticker;
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
    return find(key, freshForNanos);
  }

  Optional<CallPermit> stale(String key) {
    return find(key, usableForNanos);
  }

  private Optional<CallPermit> find(String key, long maxAgeNanos) {
    Entry entry = entries.get(key);
    if (entry == null || ticker.nanos() - entry.fetched() > maxAgeNanos) {
      return Optional.empty();
    }
    return Optional.of(entry.permit());
  }

  void put(String key, CallPermit permit) {
    entries.put(key, new Entry(permit, ticker.nanos()));
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
    long now = ticker.nanos();
    entries.values().removeIf(e -> now - e.fetched() > usableForNanos);
  }

  int size() {
    return entries.size();
  }
}
