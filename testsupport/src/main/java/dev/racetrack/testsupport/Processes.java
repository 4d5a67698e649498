package dev.racetrack.testsupport;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends processes a test started (and their helpers) and waits until they are gone: a process still
 * running after a test would go on writing under the test's temporary directory while JUnit deletes
 * it, which fails the test's clean-up ("Failed to close extension context").
 */
public final class Processes {
  private Processes() {}

  /**
   * Kills each process ({@code SIGKILL}) and waits up to {@code limit} for each to end.
   *
   * @throws IllegalStateException naming the first process still alive at the limit
   */
  public static void killAndWait(Collection<ProcessHandle> processes, Duration limit)
      throws InterruptedException {
    processes.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : processes) {
      try {
        process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            "process "
                + process.pid()
                + " ("
                + process.info().command().orElse("?")
                + ") did not end within "
                + limit.toSeconds()
                + " s of SIGKILL",
            e);
      }
    }
  }
}
