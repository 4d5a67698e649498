package dev.racetrack.cli;

import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.http.ApiClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Follows a deployment to its end for {@code deploy}, {@code redeploy}, {@code reprovision} and
 * {@code move}: polls {@code GET /api/v1/deploy/{id}} and prints each new phase and warning, with
 * the seconds since the command started, then the final status.
 */
final class DeploymentProgress {
  private static final Duration TIMEOUT = Duration.ofHours(1);
  private static final Duration QUICK = Duration.ofSeconds(30);

  /** The answer of every endpoint that starts a deployment. */
  record Started(String id) {}

  private final ApiClient api;
  private final PrintStream out;
  private final long started = System.nanoTime();

  /** Starts the clock: phase times count from here. */
  DeploymentProgress(ApiClient api, PrintStream out) {
    this.api = Objects.requireNonNull(api, "api");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Follows deployment {@code id} until it ends and returns it done.
   *
   * @throws CliException naming the deployment and its error when it failed
   */
  Deployment awaitDone(String id) throws InterruptedException {
    Deployment end = follow(id);
    if (end.status() == DeploymentStatus.FAILED) {
      throw new CliException("deployment " + id + " failed: " + end.error());
    }
    return end;
  }

  /** The last line of a successful deployment: the job and its URL. */
  static String runningLine(String name, String version, Deployment done) {
    String url =
        done.job() != null && done.job().pubUrl() != null
            ? done.job().pubUrl() + "/"
            : "(no URL reported)";
    return String.format(Locale.ROOT, "job %s v%s is running: %s", name, version, url);
  }

  /** Polls the deployment, printing each new phase and warning, until it ends. */
  private Deployment follow(String id) throws InterruptedException {
    Set<String> seenWarnings = new HashSet<>();
    String lastPhase = "";
    long started = System.nanoTime();
    long deadline = started + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Deployment d = api.get("/api/v1/deploy/" + JobCommands.segment(id), Deployment.class);
      String phase = d.phase() == null ? "" : d.phase();
      if (!phase.isEmpty() && !phase.equals(lastPhase)) {
        printTimed(phase);
        lastPhase = phase;
      }
      if (d.warnings() != null) {
        for (String warning : d.warnings().split("\n")) {
          if (!warning.isBlank() && seenWarnings.add(warning)) {
            out.println("warning: " + warning);
          }
        }
      }
      if (d.status() != DeploymentStatus.IN_PROGRESS) {
        printTimed(d.status().wireName());
        return d;
      }
      // quick deployments are seen done within 0.1 s; long builds are asked once a second
      Thread.sleep(System.nanoTime() - started < QUICK.toNanos() ? 100 : 1000);
    }
    throw new CliException(
        "deployment " + id + " did not finish within " + TIMEOUT.toMinutes() + " minutes");
  }

  private void printTimed(String text) {
    out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, text);
  }
}
