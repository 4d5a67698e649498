package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.Job;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.Plugins;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Accepts deployments: everything that can be checked at once is checked before an id is returned
 * (manifest, job type, upload safety, target, overwrite, permission); the rest runs in the
 * background through the {@link DeploymentPipeline}.
 */
public final class Deployments {
  private static final List<String> ALLOWED_BUILD_FLAGS = List.of("--no-cache");

  private final ManifestValidator validator;
  private final Plugins plugins;
  private final Targets targets;
  private final DeploymentRepository deployments;
  private final JobRepository jobs;
  private final DeploymentPipeline pipeline;
  private final ExecutorService executor;
  private final BuildContext.Limits uploadLimits;
  private final Counter requested;

  public Deployments(
      ManifestValidator validator,
      Plugins plugins,
      Targets targets,
      DeploymentRepository deployments,
      JobRepository jobs,
      DeploymentPipeline pipeline,
      ExecutorService executor,
      BuildContext.Limits uploadLimits,
      MeterRegistry metrics) {
    this.validator = validator;
    this.plugins = plugins;
    this.targets = targets;
    this.deployments = deployments;
    this.jobs = jobs;
    this.pipeline = pipeline;
    this.executor = executor;
    this.uploadLimits = uploadLimits;
    this.requested = Counter.builder("requested_job_deployments").register(metrics);
  }

  /**
   * Checks a deployment request and starts it.
   *
   * @return the deployment id to poll
   */
  public String deploy(Caller caller, DeployRequest request) {
    Manifest manifest = validator.validate(request.manifest(), "manifest").manifest();
    JobType jobType = plugins.jobType(manifest.jobtype());
    jobType.validate(manifest);
    for (String flag : request.buildFlags()) {
      if (!ALLOWED_BUILD_FLAGS.contains(flag)) {
        throw new ValidationException(
            "build flag '" + flag + "' is not allowed; allowed: " + ALLOWED_BUILD_FLAGS);
      }
    }
    if (request.buildContext() != null) {
      BuildContext.check(BuildContext.decode(request.buildContext(), uploadLimits), uploadLimits);
    }
    String target = targets.choose(Optional.ofNullable(manifest.infrastructureTarget()));
    DeploymentTask probe =
        new DeploymentTask("pending", caller, manifest, request, jobType, target);
    pipeline.checkOverwrite(probe);
    pipeline.checkPermission(probe);
    String id =
        deployments.create(
            manifest.name(), manifest.version(), manifest.toYaml(), caller.username(), target);
    requested.increment();
    DeploymentTask task = new DeploymentTask(id, caller, manifest, request, jobType, target);
    executor.submit(() -> pipeline.run(task));
    return id;
  }

  /** A deployment, with its job once done. */
  public Deployment get(String id) {
    Deployment d =
        deployments
            .find(id)
            .orElseThrow(() -> new NotFoundException("deployment " + id + " not found"));
    if (d.status() != DeploymentStatus.DONE) {
      return d;
    }
    Job job = jobs.find(d.jobName(), d.jobVersion()).orElse(null);
    return new Deployment(
        d.id(),
        d.status(),
        d.createTime(),
        d.updateTime(),
        d.error(),
        job,
        d.deployedBy(),
        d.phase(),
        d.imageName(),
        d.infrastructureTarget(),
        d.manifestYaml(),
        d.jobName(),
        d.jobVersion(),
        d.warnings());
  }

  public List<Deployment> list(int limit) {
    return deployments.list(Math.max(1, Math.min(limit, 1000)));
  }
}
