package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the registry's view of jobs with what the infrastructure targets report (§6.3):
 * status, error, address, statistics, last call time, and a notice when a job's job type is no
 * longer installed; jobs not found become {@code lost}; jobs found but unknown are reported as
 * orphans, never adopted.
 */
public final class JobStatusSync {
  private static final Logger LOG = LoggerFactory.getLogger(JobStatusSync.class);
  static final String OBSOLETE_JOB_TYPE =
      "This version of the job type is obsolete and no longer available.";

  private final JobRepository jobs;
  private final Targets targets;
  private final Supplier<? extends Collection<String>> installedJobTypes;
  private final Map<JobStatus, AtomicLong> countByStatus = new EnumMap<>(JobStatus.class);
  private final Timer passTimer;

  public JobStatusSync(
      JobRepository jobs,
      Targets targets,
      Supplier<? extends Collection<String>> installedJobTypes,
      MeterRegistry metrics) {
    this.jobs = jobs;
    this.targets = targets;
    this.installedJobTypes = installedJobTypes;
    this.passTimer =
        Timer.builder("supervisor_sync_pass")
            .description("One pass of the job status sync over every job and target")
            .register(metrics);
    for (JobStatus status : JobStatus.values()) {
      AtomicLong count = new AtomicLong();
      countByStatus.put(status, count);
      Gauge.builder("jobs_count_by_status", count, AtomicLong::get)
          .tag("status", status.wireName())
          .register(metrics);
    }
  }

  /**
   * One pass over every target; returns how many job rows changed. The registry is read once
   * (without manifests) and the observations written in one batch, whatever the number of jobs.
   */
  public int sync() {
    return passTimer.record(this::pass);
  }

  private int pass() {
    Map<String, JobState> observed = new HashMap<>();
    Set<String> reachableTargets = new HashSet<>();
    for (InfrastructureTarget target : targets.all()) {
      try {
        for (JobState state : target.list()) {
          observed.put(key(target.name(), state.name(), state.version()), state);
        }
        reachableTargets.add(target.name());
      } catch (RuntimeException e) {
        LOG.warn("cannot list jobs of infrastructure target {}: {}", target.name(), e.toString());
      }
    }
    Set<String> orphans = new HashSet<>(observed.keySet());
    Map<String, JobRepository.Observed> observations = new HashMap<>();
    jobs.forEachWithoutManifests(
        job -> {
          String key = key(job.infrastructureTarget(), job.name(), job.version());
          orphans.remove(key);
          if (job.status() != JobStatus.STARTING
              && reachableTargets.contains(job.infrastructureTarget())) {
            observations.put(
                job.id(),
                observation(
                    job.infrastructureTarget(),
                    Optional.ofNullable(observed.get(key)),
                    notice(job)));
          }
        });
    int changed = jobs.applyObserved(observations);
    orphans.stream()
        .forEach(
            key ->
                LOG.warn(
                    "orphaned job found on infrastructure (not in the registry, left alone): {}",
                    key.replace('\n', ' ')));
    Map<JobStatus, Long> counts = jobs.countByStatus();
    countByStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0L)));
    jobs.refreshNewerVersions();
    return changed;
  }

  private static String key(String target, String name, String version) {
    return target + "\n" + name + "\n" + version;
  }

  private Optional<String> notice(Job job) {
    return job.jobTypeVersion() != null
            && !job.jobTypeVersion().isEmpty()
            && !installedJobTypes.get().contains(job.jobTypeVersion())
        ? Optional.of(OBSOLETE_JOB_TYPE)
        : Optional.empty();
  }

  private static JobRepository.Observed observation(
      String target, Optional<JobState> found, Optional<String> notice) {
    if (found.isEmpty()) {
      return new JobRepository.Observed(
          target,
          JobStatus.LOST,
          Optional.of("job was not found on its infrastructure target"),
          notice,
          Optional.empty(),
          List.of(),
          Map.of(),
          Optional.empty());
    }
    JobState state = found.get();
    return new JobRepository.Observed(
        target,
        state.status(),
        state.error(),
        notice,
        Optional.of(state.internalName()),
        state.replicaInternalNames(),
        state.stats(),
        state.lastCallTime().isPresent()
            ? Optional.of(Instant.ofEpochSecond(state.lastCallTime().getAsLong()))
            : Optional.empty());
  }
}
