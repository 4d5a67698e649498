package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.deployment.Redeployments;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.JobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings lost jobs back: reprovisions every job the registry expects but no target runs. */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** The platform itself, as the one doing automatic reprovisioning. */
  static final Caller PLATFORM =
      new Caller(
          SubjectType.INTERNAL, "racetrack", "racetrack", Optional.empty(), List.of("full_access"));

  private final JobRepository jobs;
  private final Redeployments deployments;

  public Reconciler(JobRepository jobs, Redeployments deployments) {
    this.jobs = jobs;
    this.deployments = deployments;
  }

  /** Starts a reprovisioning of every lost job; returns the deployment ids. */
  public List<String> reconcileLostJobs() {
    List<String> started = new ArrayList<>();
    jobs.list().stream()
        .filter(job -> job.status() == JobStatus.LOST)
        .forEach(
            job -> {
              try {
                started.add(deployments.reprovision(PLATFORM, job.name(), job.version()));
                LOG.info("reprovisioning lost job {} v{}", job.name(), job.version());
              } catch (RuntimeException e) {
                LOG.warn(
                    "cannot reprovision lost job {} v{}: {}",
                    job.name(),
                    job.version(),
                    e.getMessage());
              }
            });
    return started;
  }
}
