package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.RacetrackException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing with token buckets (bucket4j). An attempt takes a token
 * <em>before</em> the password is checked, atomically, so parallel guesses cannot all pass the
 * check. Buckets are per account <em>and</em> client address, so guesses from one address cannot
 * lock the real user out from another; a per-address bucket also limits spraying many accounts. A
 * successful login gives its tokens back. Registrations have a per-address bucket too.
 */
public final class LoginThrottle {
  static final int ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = 5;
  static final int ATTEMPTS_PER_ADDRESS = 30;
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final int MAX_TRACKED = 100_000;

  private final TimeMeter time;
  private final int registrationsPerHour;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Refused because of too many attempts (HTTP 429). */
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

  /** A login attempt that holds its tokens; {@link #succeeded()} gives them back. */
  public final class Attempt {
    private final Bucket account;
    private final Bucket address;

    private Attempt(Bucket account, Bucket address) {
      this.account = account;
      this.address = address;
    }

    public void succeeded() {
      account.addTokens(1);
      address.addTokens(1);
    }
  }

  public LoginThrottle(Clock clock, int registrationsPerHour) {
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    this.registrationsPerHour = registrationsPerHour;
  }

  /**
   * Takes one attempt for the account from the address.
   *
   * @throws TooManyAttemptsException when the account from this address, or the address, is out of
   *     attempts
   */
  public Attempt begin(String username, String address) {
    Bucket account =
        bucket("login:" + address + "|" + username, ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, WINDOW);
    Bucket perAddress = bucket("login:" + address, ATTEMPTS_PER_ADDRESS, WINDOW);
    take(account, "too many failed login attempts for this account from your address");
    try {
      take(perAddress, "too many failed login attempts from your address");
    } catch (TooManyAttemptsException e) {
      account.addTokens(1);
      throw e;
    }
    return new Attempt(account, perAddress);
  }

  /** Takes one registration for the address. */
  public void beginRegistration(String address) {
    take(
        bucket("register:" + address, registrationsPerHour, Duration.ofHours(1)),
        "too many registrations from your address (limit REGISTRATIONS_PER_HOUR="
            + registrationsPerHour
            + ")");
  }

  private static void take(Bucket bucket, String message) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds());
      throw new TooManyAttemptsException(message + "; try again in " + seconds + " s");
    }
  }

  private Bucket bucket(String key, int capacity, Duration window) {
    if (buckets.size() > MAX_TRACKED) {
      forgetFull();
    }
    return buckets.computeIfAbsent(
        key,
        k ->
            Bucket.builder()
                .withCustomTimePrecision(time)
                .addLimit(
                    Bandwidth.builder().capacity(capacity).refillGreedy(capacity, window).build())
                .build());
  }

  /** Drops buckets that have refilled completely: they hold nothing a new bucket would not. */
  private void forgetFull() {
    buckets.values().removeIf(b -> b.getAvailableTokens() >= ATTEMPTS_PER_ACCOUNT_AND_ADDRESS);
  }
}
