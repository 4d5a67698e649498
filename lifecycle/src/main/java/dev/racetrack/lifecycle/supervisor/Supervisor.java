package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.job.JobRepository;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor loop (§6): on start it cleans up after a previous process that died mid-deployment
 * ({@link StartupReconciler}); then every interval it syncs job statuses and rewrites the
 * Prometheus target list; every ten minutes it reprovisions lost jobs when reconciliation is on;
 * every hour it cleans up. A failing task is logged and the loop goes on.
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /** What the supervisor works with. */
  public record Parts(
      JobStatusSync statusSync,
      JobRepository jobs,
      StartupReconciler startup,
      PrometheusTargets prometheusTargets,
      Cleanup cleanup,
      Optional<Reconciler> reconciler) {}

  /** Settings of the loop. */
  public record Settings(
      Duration syncInterval, Duration reconcileInterval, Duration cleanupInterval) {}

  private final Parts p;
  private final Settings settings;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("supervisor").daemon().factory());

  public Supervisor(Parts parts, Settings settings) {
    this.p = parts;
    this.settings = settings;
  }

  /** Runs the start-up check and schedules the tasks. */
  public void start() {
    p.startup().reconcile();
    schedule("job status sync", this::sync, Duration.ZERO, settings.syncInterval());
    p.reconciler()
        .ifPresent(
            r ->
                schedule(
                    "reconciliation",
                    r::reconcileLostJobs,
                    settings.reconcileInterval(),
                    settings.reconcileInterval()));
    schedule(
        "clean-up",
        () -> p.cleanup().run(p.jobs().listWithoutManifests()),
        Duration.ofMinutes(1),
        settings.cleanupInterval());
  }

  /**
   * Also runs {@code task} every {@code period} (first after one period), e.g. the registry clean.
   */
  public void every(String name, Duration period, Runnable task) {
    schedule(name, task, period, period);
  }

  private void sync() {
    int changed = p.statusSync().sync();
    if (changed > 0) {
      LOG.debug("job status sync updated {} job(s)", changed);
    }
    p.prometheusTargets().write(p.jobs()::forEachWithoutManifests);
  }

  private void schedule(String name, Runnable task, Duration initialDelay, Duration period) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("supervisor task '{}' failed: {}", name, e.toString());
          }
        },
        initialDelay.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
