package dev.racetrack.lifecycle.event;

import dev.racetrack.model.Job;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link PlatformEvent.JobModelsChanged} when the job list differs from the last look:
 * deployments, deletions, moves and the supervisor's status updates, whichever process made them
 * (several lifecycle replicas share one database); and {@link PlatformEvent.DeploymentsChanged}
 * when the latest deployments do (one started, changed phase or ended). It reads the lists only
 * while someone listens, every {@code interval} ({@code JOB_WATCHER_INTERVAL}, 3 s as in the
 * original).
 */
public final class JobWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobWatcher.class);

  private final Supplier<List<Job>> jobs;
  private final Supplier<? extends List<?>> deployments;
  private final EventBus bus;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  private Optional<List<Job>> last = Optional.empty();
  private Optional<List<?>> lastDeployments = Optional.empty();

  public JobWatcher(Supplier<List<Job>> jobs, EventBus bus, Duration interval) {
    this(jobs, List::of, bus, interval);
  }

  /**
   * @param deployments the latest deployments (a bounded list, most recently updated first)
   */
  public JobWatcher(
      Supplier<List<Job>> jobs,
      Supplier<? extends List<?>> deployments,
      EventBus bus,
      Duration interval) {
    this.jobs = jobs;
    this.deployments = deployments;
    this.bus = bus;
    timer.scheduleWithFixedDelay(
        this::look, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Compares the job list with the last one seen; public for tests. */
  public synchronized void look() {
    if (!bus.hasSubscribers()) {
      last = Optional.empty();
      lastDeployments = Optional.empty();
      return;
    }
    try {
      List<Job> now = List.copyOf(jobs.get());
      if (last.isPresent() && !last.get().equals(now)) {
        bus.publish(new PlatformEvent.JobModelsChanged());
      }
      last = Optional.of(now);
    } catch (RuntimeException e) {
      LOG.warn("watching jobs failed: {}", e.toString());
    }
    try {
      List<?> now = List.copyOf(deployments.get());
      if (lastDeployments.isPresent() && !lastDeployments.get().equals(now)) {
        bus.publish(new PlatformEvent.DeploymentsChanged());
      }
      lastDeployments = Optional.of(now);
    } catch (RuntimeException e) {
      LOG.warn("watching deployments failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
