package dev.racetrack.http;

import dev.racetrack.model.error.TooManyRequestsException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code max} things at once per key (a user, an address), e.g. open log streams. Taking a
 * slot is atomic; a refused one is a 429 naming the setting that sets the limit.
 */
public final class ConcurrencyLimit {
  private final String what;
  private final String variable;
  private final int max;
  private final Map<String, Integer> inUse = new ConcurrentHashMap<>();

  /**
   * @param what what is limited, for the message ("log streams")
   * @param variable the setting holding {@code max}, for the message
   */
  public ConcurrencyLimit(String what, String variable, int max) {
    this.what = what;
    this.variable = variable;
    this.max = max;
  }

  /** A taken slot; closing it gives it back. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a slot for {@code key}.
   *
   * @throws TooManyRequestsException when {@code key} already holds {@code max}
   */
  public Slot take(String key) {
    boolean[] taken = {false};
    inUse.compute(
        key,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    if (!taken[0]) {
      throw new TooManyRequestsException(
          "too many concurrent " + what + " for " + key + " (limit " + variable + "=" + max + ")");
    }
    boolean[] closed = {false};
    return () -> {
      synchronized (closed) {
        if (closed[0]) {
          return;
        }
        closed[0] = true;
      }
      inUse.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    };
  }
}
