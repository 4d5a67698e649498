package dev.racetrack.pub;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job's {@code max_concurrency} (and {@code max_concurrency_queue}) enforced at PUB: calls in
 * flight per job version are counted across event loops; a call beyond the limit plus the queue is
 * refused (429) before it reaches the job. Calls within the queue go on to the job, which queues
 * them itself.
 */
final class ConcurrencyLimits {
  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** Takes a slot for a call of the permit's job; false when the job is full. */
  boolean enter(CallPermit permit) {
    if (permit.maxConcurrency() <= 0) {
      return true;
    }
    AtomicInteger count = inFlight.computeIfAbsent(key(permit), k -> new AtomicInteger());
    int limit = permit.maxConcurrency() + permit.maxConcurrencyQueue();
    while (true) {
      int now = count.get();
      if (now >= limit) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back the slot a call took with {@link #enter}. */
  void leave(CallPermit permit) {
    if (permit.maxConcurrency() > 0) {
      AtomicInteger count = inFlight.get(key(permit));
      if (count != null) {
        count.decrementAndGet();
      }
    }
  }

  private static String key(CallPermit permit) {
    return permit.jobName() + '\n' + permit.jobVersion();
  }
}
