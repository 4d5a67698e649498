package dev.racetrack.pub;

import java.util.function.LongSupplier;

/**
 * The one timer of a client connection, for both of its deadlines: the request head's (while a head
 * is awaited) and the current call's (its job's call timeout, until the job starts answering). A
 * call does not schedule a task of its own: the timer is armed no later than the nearest deadline
 * and, when it fires, runs what expired and arms itself again. It never fires later than {@code
 * period} after it last fired, where {@code period} is the shortest timeout seen on the connection,
 * so a new deadline (now plus a timeout at least that long) is never nearer than the armed timer
 * and re-arming is needed only when a shorter timeout first appears. On a keep-alive connection
 * that makes calls back to back, the timer is therefore scheduled about once per {@code period},
 * not once or twice per call.
 */
final class ConnectionTimer {
  /** Schedules a task after a delay (the connection's event loop). */
  interface Scheduler {
    Cancellable schedule(Runnable task, long delayNanos);
  }

  /** A scheduled task that may be cancelled. */
  interface Cancellable {
    void cancel();
  }

  private final Scheduler scheduler;
  private final LongSupplier clock;
  private final long headTimeout;
  private final Runnable headExpired;
  private long period;
  private Cancellable armed;
  private long firesAt;
  private boolean stopped;
  private boolean waitingHead;
  private long headSince;
  private Object call;
  private Runnable callExpired;
  private long callDeadline;

  /**
   * {@code headExpired} runs when a head awaited with {@link #awaitHead} has not arrived within
   * {@code headTimeoutNanos}; {@code clock} gives nanoseconds (as {@link System#nanoTime}).
   */
  ConnectionTimer(
      Scheduler scheduler, LongSupplier clock, long headTimeoutNanos, Runnable headExpired) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.headTimeout = headTimeoutNanos;
    this.headExpired = headExpired;
    this.period = headTimeoutNanos;
  }

  /** A timer on {@code loop} (a connection's event loop), on {@link System#nanoTime}. */
  static ConnectionTimer on(
      java.util.concurrent.ScheduledExecutorService loop,
      long headTimeoutNanos,
      Runnable headExpired) {
    return new ConnectionTimer(
        (task, delayNanos) -> {
          java.util.concurrent.ScheduledFuture<?> scheduled =
              loop.schedule(task, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
          return () -> scheduled.cancel(false);
        },
        System::nanoTime,
        headTimeoutNanos,
        headExpired);
  }

  /** A request head is awaited from now on. */
  void awaitHead() {
    waitingHead = true;
    headSince = clock.getAsLong();
    armBy(headSince + headTimeout);
  }

  /** The awaited head arrived. */
  void headArrived() {
    waitingHead = false;
  }

  /**
   * {@code owner}'s call must start being answered within {@code timeoutNanos}, else {@code
   * expired} runs (once, on the connection's event loop). Replaces any earlier call deadline.
   */
  void callDeadline(Object owner, long timeoutNanos, Runnable expired) {
    call = owner;
    callExpired = expired;
    callDeadline = clock.getAsLong() + timeoutNanos;
    if (timeoutNanos < period) {
      period = timeoutNanos;
    }
    armBy(callDeadline);
  }

  /** {@code owner}'s call needs its deadline no more (its job answered, or it ended). */
  void clearCallDeadline(Object owner) {
    if (call == owner) {
      call = null;
      callExpired = null;
    }
  }

  /** The connection ended or left HTTP: nothing fires any more. */
  void stop() {
    stopped = true;
    call = null;
    callExpired = null;
    if (armed != null) {
      armed.cancel();
      armed = null;
    }
  }

  /** Makes sure the timer fires no later than {@code at}. */
  private void armBy(long at) {
    if (stopped || (armed != null && firesAt - at <= 0)) {
      return;
    }
    if (armed != null) {
      armed.cancel();
    }
    arm(at);
  }

  private void arm(long at) {
    firesAt = at;
    armed = scheduler.schedule(this::fire, Math.max(0, at - clock.getAsLong()));
  }

  private void fire() {
    armed = null;
    if (stopped) {
      return;
    }
    long now = clock.getAsLong();
    if (waitingHead && now - headSince >= headTimeout) {
      headExpired.run();
      return;
    }
    if (callExpired != null && now - callDeadline >= 0) {
      Runnable expired = callExpired;
      call = null;
      callExpired = null;
      expired.run();
    }
    if (stopped || armed != null) {
      return; // the connection ended, or a new deadline armed the timer meanwhile
    }
    long next = now + period;
    if (waitingHead && headSince + headTimeout - next < 0) {
      next = headSince + headTimeout;
    }
    if (callExpired != null && callDeadline - next < 0) {
      next = callDeadline;
    }
    arm(next);
  }
}
