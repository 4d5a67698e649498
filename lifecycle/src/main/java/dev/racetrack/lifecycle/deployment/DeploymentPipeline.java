package dev.racetrack.lifecycle.deployment;

import dev.racetrack.model.Job;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.manifest.ResourcePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an accepted deployment in the background (§3.4), step by step, each handing its typed result
 * to the next: checks ({@link ClaimStep}), the {@link Artifact} ({@link BuildStep}), the family's
 * claim, the started job ({@link ProvisionStep}), its registration ({@link RegisterStep}) and the
 * end ({@link PublishStep}: a move also removes the job from its old target). Every failure marks
 * the deployment failed with its reason ({@link DeploymentFailures}) and leaves no half-deployed
 * first version behind.
 */
public final class DeploymentPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPipeline.class);

  /**
   * Settings that shape a deployment.
   *
   * @param jobSecrets the per-job secrets given to jobs, which PUB presents on every call
   */
  public record Settings(
      String internalPubUrl,
      JobCallSecrets jobSecrets,
      Duration readinessTimeout,
      boolean allowOverwrite,
      ResourcePolicy resources) {}

  /** The steps in the order they run, and where a failure goes. */
  public record Steps(
      ClaimStep claim,
      BuildStep build,
      ProvisionStep provision,
      RegisterStep register,
      PublishStep publish,
      DeploymentFailures failures) {}

  private final Steps steps;
  private final Counter done;
  private final Counter deployed;

  public DeploymentPipeline(Steps steps, MeterRegistry metrics) {
    this.steps = steps;
    this.done = Counter.builder("done_job_deployments").register(metrics);
    this.deployed = Counter.builder("deployed_job").register(metrics);
  }

  /** Runs the deployment to its end; never throws. */
  public void run(DeploymentTask task) {
    try {
      steps.claim().check(task);
      if (task.kind() == DeploymentKind.BUILD) {
        steps.build().build(task, BuildRequest.Output.IMAGE);
        steps.publish().built(task);
        return;
      }
      Artifact artifact = steps.build().artifact(task);
      steps.claim().claim(task);
      Job job = register(task, steps.provision().provision(task, artifact));
      steps.publish().publish(task, job, artifact);
      deployed.increment();
      LOG.info(
          "{} of job {} v{} done (deployment {})",
          task.kind(),
          job.name(),
          job.version(),
          task.id());
    } catch (RuntimeException e) {
      steps.failures().fail(task, e);
    } finally {
      discardContext(task);
      done.increment();
    }
  }

  /** The task's context file is temporary (an upload or a copy of a kept context). */
  private static void discardContext(DeploymentTask task) {
    task.buildContext()
        .ifPresent(
            file -> {
              try {
                Files.deleteIfExists(file);
              } catch (IOException e) {
                LOG.warn("cannot delete the temporary build context {}: {}", file, e.toString());
              }
            });
  }

  private Job register(DeploymentTask task, ProvisionStep.Provisioned provisioned) {
    try {
      return steps.register().register(task, provisioned);
    } catch (JobDeletedMeanwhileException e) {
      steps.provision().rollbackStarted(task); // a deleted job does not come back
      throw e;
    } catch (RuntimeException e) {
      steps.provision().rollbackFirst(task, provisioned); // no first version left half-registered
      throw e;
    }
  }
}
