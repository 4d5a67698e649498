package dev.racetrack.server;

import dev.racetrack.cli.CliContext;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;

/** {@code racetrack server}: runs the whole platform on this machine until Ctrl-C. */
@Command(
    name = "server",
    description = {
      "Start the whole platform on this machine (lifecycle, image builder, PUB, supervisor) with embedded",
      "PostgreSQL and the local infrastructure target. Settings come from environment variables",
      "(RACETRACK_DATA_DIR, LIFECYCLE_PORT, PUB_PORT, ...; see docs/configuration.md). Stop with Ctrl-C:",
      "jobs keep running and are adopted at the next start."
    })
final class ServerCommand implements Callable<Integer> {
  private final CliContext context;

  ServerCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    long started = System.nanoTime();
    Platform platform = Platform.start(context.env());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  context.out().println("Stopping Racetrack (jobs keep running)...");
                  platform.close();
                  stopped.countDown();
                },
                "racetrack-shutdown"));
    handleStopSignals();
    printBanner(context.out(), platform, (System.nanoTime() - started) / 1_000_000);
    stopped.await();
    return 0;
  }

  /**
   * SIGTERM or Ctrl-C stops gracefully (the shutdown hook: PUB drains its calls, PostgreSQL stops
   * last); a second one while that runs stops at once.
   */
  @SuppressWarnings("removal") // sun.misc.Signal: the JDK's only way to see a second signal
  private void handleStopSignals() {
    AtomicBoolean stopping = new AtomicBoolean();
    sun.misc.SignalHandler handler =
        signal -> {
          int status = 128 + signal.getNumber();
          if (stopping.compareAndSet(false, true)) {
            context
                .out()
                .println(
                    "Stopping Racetrack: calls in flight may finish (send the signal again to stop"
                        + " at once)...");
            Thread.ofPlatform().name("racetrack-stop").start(() -> System.exit(status));
          } else {
            context.err().println("Second stop signal: stopping at once.");
            Runtime.getRuntime().halt(status);
          }
        };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
  }

  private static void printBanner(PrintStream out, Platform platform, long millis) {
    var config = platform.lifecycleConfig();
    out.println();
    out.println(
        "Racetrack is running (started in " + millis + " ms, data in " + config.dataDir() + ")");
    out.println(
        "  Lifecycle API   http://"
            + config.host()
            + ":"
            + platform.lifecyclePort()
            + "/lifecycle");
    out.println("  PUB gateway     " + config.externalPubUrl());
    out.println("  Image builder   http://127.0.0.1:" + platform.imageBuilderPort());
    platform
        .generatedAdminPassword()
        .ifPresent(
            password -> {
              out.println();
              out.println(
                  "First start: created the admin account. The password is shown only this once:");
              out.println("  username: admin");
              out.println("  password: " + password);
            });
    out.println();
    out.println(
        "Log in with:  ./racetrack login --username admin --remote http://"
            + config.host()
            + ":"
            + platform.lifecyclePort());
    out.println("Stop with Ctrl-C (deployed jobs keep running and are adopted at the next start).");
  }
}
