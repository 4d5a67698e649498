package dev.racetrack.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A job version the local target runs: its state, current process, and crash bookkeeping. */
final class ManagedJob {
  private static final Duration STABLE_AFTER = Duration.ofSeconds(60);
  private static final long MAX_BACKOFF_SECONDS = 60;

  private final String resourceName;
  private final LogFile log;
  private LocalJobState state;
  private ProcessHandle process;
  private boolean stopped;
  private int crashStreak;
  private Instant startedAt = Instant.EPOCH;
  private String problem = "";
  private String lastCrashCause = "";

  ManagedJob(String resourceName, LogFile log, LocalJobState state) {
    this.resourceName = resourceName;
    this.log = log;
    this.state = state;
  }

  String resourceName() {
    return resourceName;
  }

  LogFile log() {
    return log;
  }

  synchronized LocalJobState state() {
    return state;
  }

  synchronized Optional<ProcessHandle> process() {
    return Optional.ofNullable(process);
  }

  synchronized boolean isCurrent(ProcessHandle handle) {
    return !stopped && handle.equals(process);
  }

  synchronized boolean isStopped() {
    return stopped;
  }

  /** Records a newly started process. */
  synchronized LocalJobState started(ProcessHandle handle, Instant now, boolean isRestart) {
    process = handle;
    startedAt = now;
    problem = "";
    state = state.withProcess(handle.pid(), JobProcess.startOf(handle));
    if (isRestart) {
      state = state.withRestarts(state.restarts() + 1);
    }
    return state;
  }

  /**
   * Records an unexpected exit and returns how long to wait before restarting: 1 s doubling up to a
   * minute while the job keeps crashing soon after starting.
   */
  synchronized Duration crashed(Instant now, String cause) {
    if (!cause.isEmpty()) {
      lastCrashCause = cause;
    }
    crashStreak =
        Duration.between(startedAt, now).compareTo(STABLE_AFTER) >= 0 ? 1 : crashStreak + 1;
    long delay = Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(crashStreak - 1, 6));
    problem =
        (cause.isEmpty() ? "job process exited unexpectedly" : "job process was " + cause)
            + "; restart #"
            + (state.restarts() + 1)
            + " in "
            + delay
            + " s";
    process = null;
    return Duration.ofSeconds(delay);
  }

  synchronized void failedToRestart(String reason) {
    problem = "job process could not be restarted: " + reason;
  }

  synchronized String problem() {
    return problem;
  }

  /** Why the job's process last ended unexpectedly, when known (kept across restarts). */
  synchronized String lastCrashCause() {
    return lastCrashCause;
  }

  /** Marks the job as no longer wanted and returns its process to stop, if any. */
  synchronized Optional<ProcessHandle> stop() {
    stopped = true;
    return Optional.ofNullable(process);
  }
}
