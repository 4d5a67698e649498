package dev.racetrack.model;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a platform process stops (every component's main and {@code racetrack server}): the first
 * SIGTERM or Ctrl-C stops gracefully, running {@code close} in the JVM's shutdown hook (PUB drains
 * its calls in flight, PostgreSQL stops last); a second one while that runs stops the process at
 * once, with the signal's exit status ({@code 128 + signal}).
 */
public final class StopSignals {
  private final CountDownLatch stopped = new CountDownLatch(1);

  private StopSignals() {}

  /**
   * Installs the shutdown hook running {@code close} and the SIGTERM and SIGINT handlers.
   *
   * @param process names the process in the messages written to {@code out}
   */
  public static StopSignals install(String process, PrintStream out, Runnable close) {
    StopSignals signals = new StopSignals();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    close.run();
                  } finally {
                    signals.stopped.countDown();
                  }
                },
                "racetrack-shutdown"));
    handle(process, out);
    return signals;
  }

  /** Blocks until the shutdown hook has closed the process's parts. */
  public void await() throws InterruptedException {
    stopped.await();
  }

  @SuppressWarnings("removal") // sun.misc.Signal: the JDK's only way to see a second signal
  private static void handle(String process, PrintStream out) {
    AtomicBoolean stopping = new AtomicBoolean();
    sun.misc.SignalHandler handler =
        signal -> {
          int status = 128 + signal.getNumber();
          if (stopping.compareAndSet(false, true)) {
            out.println(
                "Stopping "
                    + process
                    + ": calls in flight may finish (send the signal again to stop at once)...");
            Thread.ofPlatform().name("racetrack-stop").start(() -> System.exit(status));
          } else {
            out.println("Second stop signal: stopping " + process + " at once.");
            out.flush();
            Runtime.getRuntime().halt(status);
          }
        };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
  }
}
