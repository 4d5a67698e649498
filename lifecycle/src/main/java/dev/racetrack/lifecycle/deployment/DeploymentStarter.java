package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;

/**
 * Starts accepted deployments: within the caller's quota, each gets its row (and id) and runs
 * through the {@link DeploymentPipeline} in the background.
 */
public final class DeploymentStarter {
  private final DeploymentRepository deployments;
  private final DeploymentQuota quota;
  private final DeploymentPipeline pipeline;
  private final ExecutorService executor;
  private final Counter requested;

  public DeploymentStarter(
      DeploymentRepository deployments,
      DeploymentQuota quota,
      DeploymentPipeline pipeline,
      ExecutorService executor,
      MeterRegistry metrics) {
    this.deployments = deployments;
    this.quota = quota;
    this.pipeline = pipeline;
    this.executor = executor;
    this.requested = Counter.builder("requested_job_deployments").register(metrics);
  }

  /** Refuses a caller who has as many deployments running as the quota allows. */
  void ensureRoom(Caller caller) {
    quota.ensureRoom(caller.username());
  }

  /** Creates the deployment's row, starts it, and returns its id. */
  String start(DeploymentTask pending) {
    String id =
        quota.admit(
            pending.caller().username(),
            () ->
                deployments.create(
                    pending.jobName(),
                    pending.jobVersion(),
                    pending.manifest().toYaml(),
                    pending.caller().username(),
                    pending.target()));
    requested.increment();
    DeploymentTask task = pending.withId(id);
    executor.submit(() -> pipeline.run(task));
    return id;
  }
}
