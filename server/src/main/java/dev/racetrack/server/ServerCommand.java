package dev.racetrack.server;

import dev.racetrack.cli.CliContext;
import dev.racetrack.model.StopSignals;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code racetrack server}: runs the whole platform on this machine until Ctrl-C. */
@Command(
    name = "server",
    description = {
      "Start the whole platform on this machine: lifecycle, image builder, PUB and supervisor, with"
          + " embedded PostgreSQL and the local infrastructure target.",
      "Settings come from environment variables (RACETRACK_DATA_DIR, LIFECYCLE_PORT, PUB_PORT, ...;"
          + " see docs/configuration.md). Stop with Ctrl-C: jobs keep running and are adopted at"
          + " the next start."
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
    StopSignals stopped =
        StopSignals.install(
            "Racetrack",
            context.out(),
            () -> {
              context.out().println("Stopping Racetrack (jobs keep running)...");
              platform.close();
            });
    printBanner(context.out(), platform, (System.nanoTime() - started) / 1_000_000);
    stopped.await();
    return 0;
  }

  private static void printBanner(PrintStream out, Platform platform, long millis) {
    var config = platform.lifecycleConfig();
    out.println();
    out.println(
        "Racetrack is running (started in " + millis + " ms, data in " + config.dataDir() + ")");
    String lifecycle = platform.scheme() + "://" + config.host() + ":" + platform.lifecyclePort();
    out.println("  Dashboard       " + platform.dashboardUrl());
    out.println("  Lifecycle API   " + lifecycle + "/lifecycle");
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
    out.println("Log in with:  ./racetrack login --username admin --remote " + lifecycle);
    out.println("Stop with Ctrl-C (deployed jobs keep running and are adopted at the next start).");
  }
}
