package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after a platform that died mid-deployment ({@code kill -9}, power loss), once at
 * start-up before any new deployment runs: a first version left {@code starting} is rolled back (it
 * leaves its target and its row goes, as a failed start would), and deployments left in progress
 * are marked failed.
 */
public final class StartupReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(StartupReconciler.class);

  /** What start-up reconciliation did. */
  public record Outcome(int rolledBackStarts, int failedDeployments) {}

  private final JobRepository jobs;
  private final DeploymentRepository deployments;
  private final Targets targets;

  public StartupReconciler(JobRepository jobs, DeploymentRepository deployments, Targets targets) {
    this.jobs = jobs;
    this.deployments = deployments;
    this.targets = targets;
  }

  public Outcome reconcile() {
    List<Job> starting =
        jobs.list().stream().filter(job -> job.status() == JobStatus.STARTING).toList();
    int rolledBack = 0;
    for (Job job : starting) {
      leaveTarget(job);
      if (jobs.deleteStarting(job.name(), job.version())) {
        rolledBack++;
        LOG.warn(
            "rolled back job {} v{}: a restart interrupted its first deployment while starting",
            job.name(),
            job.version());
      }
    }
    int failed = deployments.failInterrupted();
    if (failed > 0) {
      LOG.warn("marked {} deployment(s) interrupted by a restart as failed", failed);
    }
    return new Outcome(rolledBack, failed);
  }

  private void leaveTarget(Job job) {
    try {
      targets.get(job.infrastructureTarget()).delete(job.name(), job.version());
    } catch (RuntimeException e) {
      LOG.warn(
          "rollback: cannot remove {} v{} from {}: {}",
          job.name(),
          job.version(),
          job.infrastructureTarget(),
          e.toString());
    }
  }
}
