package dev.racetrack.pub;

/**
 * A proxied call's share of its job: a place among the job's concurrent calls ({@code
 * max_concurrency}) and its meters. The place is given back once, however the call ends.
 */
final class CallSlot {
  private final ConcurrencyLimits limits;
  private final CallPermit permit;
  private final PubMetrics.JobMeters meters;
  private final long started = System.nanoTime();
  private boolean held;

  CallSlot(ConcurrencyLimits limits, CallPermit permit, PubMetrics.JobMeters meters) {
    this.limits = limits;
    this.permit = permit;
    this.meters = meters;
  }

  /** Takes a place; false when the job already has as many calls as it allows. */
  boolean take() {
    if (!limits.enter(permit)) {
      return false;
    }
    held = true;
    meters.started();
    return true;
  }

  /** The call ended with {@code status}: the place is given back and the call measured. */
  void done(int status) {
    giveBack();
    meters.done(status, System.nanoTime() - started);
  }

  /** Gives the place back (once) without measuring the call (the client went away). */
  void giveBack() {
    if (held) {
      held = false;
      limits.leave(permit);
    }
  }
}
