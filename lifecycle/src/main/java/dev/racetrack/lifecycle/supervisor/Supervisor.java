package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor loop (§6): on start fails deployments a previous process left in progress, then
 * keeps the registry in sync with the infrastructure every interval.
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  private final JobStatusSync statusSync;
  private final DeploymentRepository deployments;
  private final Duration interval;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("supervisor").daemon().factory());

  public Supervisor(JobStatusSync statusSync, DeploymentRepository deployments, Duration interval) {
    this.statusSync = statusSync;
    this.deployments = deployments;
    this.interval = interval;
  }

  /** Runs the start-up check and schedules the sync loop. */
  public void start() {
    int failed = deployments.failInterrupted();
    if (failed > 0) {
      LOG.warn("marked {} deployment(s) interrupted by a restart as failed", failed);
    }
    scheduler.scheduleWithFixedDelay(
        this::syncSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void syncSafely() {
    try {
      int changed = statusSync.sync();
      if (changed > 0) {
        LOG.debug("job status sync updated {} job(s)", changed);
      }
    } catch (RuntimeException e) {
      LOG.warn("job status sync failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
