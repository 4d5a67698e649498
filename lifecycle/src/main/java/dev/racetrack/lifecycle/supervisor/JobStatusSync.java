package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the registry's view of jobs with what the infrastructure targets report (§6.3):
 * status, error, address, statistics and last call time; jobs not found become {@code lost}; jobs
 * found but unknown are reported as orphans, never adopted.
 */
public final class JobStatusSync {
  private static final Logger LOG = LoggerFactory.getLogger(JobStatusSync.class);

  private final JobRepository jobs;
  private final Targets targets;
  private final Map<JobStatus, AtomicLong> countByStatus = new EnumMap<>(JobStatus.class);

  public JobStatusSync(JobRepository jobs, Targets targets, MeterRegistry metrics) {
    this.jobs = jobs;
    this.targets = targets;
    for (JobStatus status : JobStatus.values()) {
      AtomicLong count = new AtomicLong();
      countByStatus.put(status, count);
      Gauge.builder("jobs_count_by_status", count, AtomicLong::get)
          .tag("status", status.wireName())
          .register(metrics);
    }
  }

  /** One pass over every target; returns how many job rows changed. */
  public int sync() {
    Map<String, JobState> observed = new HashMap<>();
    Set<String> reachableTargets = new HashSet<>();
    for (InfrastructureTarget target : targets.all()) {
      try {
        for (JobState state : target.list()) {
          observed.put(target.name() + "\n" + state.name() + "\n" + state.version(), state);
        }
        reachableTargets.add(target.name());
      } catch (RuntimeException e) {
        LOG.warn("cannot list jobs of infrastructure target {}: {}", target.name(), e.toString());
      }
    }
    List<Job> registry = jobs.list();
    int changed = 0;
    Set<String> known = new HashSet<>();
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    for (Job job : registry) {
      String key = job.infrastructureTarget() + "\n" + job.name() + "\n" + job.version();
      known.add(key);
      if (job.status() != JobStatus.STARTING
          && reachableTargets.contains(job.infrastructureTarget())) {
        JobState state = observed.get(key);
        if (jobs.applyObserved(job.id(), observation(state))) {
          changed++;
        }
      }
      counts.merge(job.status(), 1L, Long::sum);
    }
    observed.keySet().stream()
        .filter(key -> !known.contains(key))
        .forEach(
            key -> LOG.warn("orphaned job found on infrastructure: {}", key.replace('\n', ' ')));
    countByStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0L)));
    return changed;
  }

  private static JobRepository.Observed observation(JobState state) {
    if (state == null) {
      return new JobRepository.Observed(
          JobStatus.LOST,
          Optional.of("job was not found on its infrastructure target"),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Map.of(),
          Optional.empty());
    }
    return new JobRepository.Observed(
        state.status(),
        state.error(),
        Optional.empty(),
        Optional.of(state.internalName()),
        state.replicaInternalNames(),
        state.stats(),
        state.lastCallTime().isPresent()
            ? Optional.of(Instant.ofEpochSecond(state.lastCallTime().getAsLong()))
            : Optional.empty());
  }
}
