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
 * ({@link StartupReconciler}, when given); then every interval it syncs job statuses and rewrites
 * the Prometheus target list; every ten minutes it reprovisions lost jobs when reconciliation is on
 * (and a {@link Reconciler} is given); every hour it cleans up. A failing task is logged and the
 * loop goes on.
 *
 * <p>Run on its own ({@code SupervisorMain}), the supervisor gets neither the start-up cleanup nor
 * the reprovisioning: both act on deployments, which only lifecycle runs, so lifecycle keeps them
 * ({@link #reprovisionEvery}).
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /** What the supervisor works with. */
  public record Parts(
      JobStatusSync statusSync,
      JobRepository jobs,
      Optional<StartupReconciler> startup,
      PrometheusTargets prometheusTargets,
      Cleanup cleanup,
      Optional<Reconciler> reconciler) {}

  /** Settings of the loop. */
  public record Settings(
      Duration syncInterval, Duration reconcileInterval, Duration cleanupInterval) {}

  private final Parts p;
  private volatile boolean synced;
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
    p.startup().ifPresent(StartupReconciler::reconcile);
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
    synced = true;
  }

  /** Whether a job status sync pass has completed (the supervisor's readiness). */
  public boolean synced() {
    return synced;
  }

  /**
   * Lifecycle's share of the loop when the supervisor runs as its own process: the reprovisioning
   * of lost jobs every {@code interval} (it starts deployments, which only lifecycle runs).
   */
  public static AutoCloseable reprovisionEvery(Reconciler reconciler, Duration interval) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("reprovisioning").daemon().factory());
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            reconciler.reconcileLostJobs();
          } catch (RuntimeException e) {
            LOG.warn("reprovisioning of lost jobs failed: {}", e.toString());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return scheduler::shutdownNow;
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

  /** Lets a running task finish (up to ten seconds), then stops the loop. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("a supervisor task did not finish within 10 s of the shutdown; interrupting it");
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
