package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.RacetrackException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after a few failed logins for one username, or from one client
 * address, further attempts are refused for a while, the pause doubling with each failure. A
 * successful login clears the username's record.
 */
public final class LoginThrottle {
  private static final int FREE_ATTEMPTS_PER_USER = 5;
  private static final int FREE_ATTEMPTS_PER_ADDRESS = 20;
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(2);
  private static final Duration MAX_PAUSE = Duration.ofMinutes(15);
  private static final Duration FORGET_AFTER = Duration.ofHours(1);
  private static final int MAX_TRACKED = 100_000;

  private final Clock clock;
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  private record Failures(int count, Instant last) {}

  /** Refused because of too many failed attempts (HTTP 429). */
  public static final class TooManyAttemptsException extends RacetrackException {
    private static final long serialVersionUID = 1L;

    TooManyAttemptsException(String message) {
      super(message);
    }

    @Override
    public int httpStatus() {
      return 429;
    }
  }

  public LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Refuses the attempt while the username or the address is paused. */
  public void check(String username, String address) {
    Instant now = clock.instant();
    long wait =
        Math.max(
            waitSeconds("user:" + username, FREE_ATTEMPTS_PER_USER, now),
            waitSeconds("ip:" + address, FREE_ATTEMPTS_PER_ADDRESS, now));
    if (wait > 0) {
      throw new TooManyAttemptsException(
          "too many failed login attempts; try again in " + wait + " s");
    }
  }

  public void failed(String username, String address) {
    if (failures.size() > MAX_TRACKED) {
      forgetOld();
    }
    Instant now = clock.instant();
    failures.merge(
        "user:" + username, new Failures(1, now), (a, b) -> new Failures(a.count() + 1, now));
    failures.merge(
        "ip:" + address, new Failures(1, now), (a, b) -> new Failures(a.count() + 1, now));
  }

  public void succeeded(String username) {
    failures.remove("user:" + username);
  }

  private long waitSeconds(String key, int freeAttempts, Instant now) {
    Failures f = failures.get(key);
    if (f == null || f.count() < freeAttempts) {
      return 0;
    }
    if (Duration.between(f.last(), now).compareTo(FORGET_AFTER) > 0) {
      failures.remove(key);
      return 0;
    }
    int excess = Math.min(f.count() - freeAttempts, 20);
    Duration pause = FIRST_PAUSE.multipliedBy(1L << excess);
    if (pause.compareTo(MAX_PAUSE) > 0) {
      pause = MAX_PAUSE;
    }
    Duration left = pause.minus(Duration.between(f.last(), now));
    return left.isNegative() || left.isZero() ? 0 : Math.max(1, left.toSeconds());
  }

  private void forgetOld() {
    Instant limit = clock.instant().minus(FORGET_AFTER);
    failures.values().removeIf(f -> f.last().isBefore(limit));
  }
}
