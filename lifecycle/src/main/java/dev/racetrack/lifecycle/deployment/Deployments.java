package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.JobSecrets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts deployments and builds of uploaded (or git) sources: everything that can be checked at
 * once is checked before an id is returned (manifest, job type, upload safety, target, overwrite,
 * permission, maintenance); the rest runs in the background through the {@link DeploymentPipeline},
 * observable with {@code GET /api/v1/deploy/{id}} ({@link DeploymentViews}). Deployments of
 * existing jobs are {@link Redeployments}.
 */
public final class Deployments {
  private static final List<String> ALLOWED_BUILD_FLAGS = List.of("--no-cache");

  private final JobManifests manifests;
  private final DeploymentChecks checks;
  private final Targets targets;
  private final Maintenance maintenance;
  private final BuildContext.Limits uploadLimits;
  private final DeploymentStarter starter;

  public Deployments(
      JobManifests manifests,
      DeploymentChecks checks,
      Targets targets,
      Maintenance maintenance,
      BuildContext.Limits uploadLimits,
      DeploymentStarter starter) {
    this.manifests = manifests;
    this.checks = checks;
    this.targets = targets;
    this.maintenance = maintenance;
    this.uploadLimits = uploadLimits;
    this.starter = starter;
  }

  /** Checks a deployment request and starts it; returns the deployment id to poll. */
  public String deploy(Caller caller, DeployUpload upload) {
    return accept(caller, upload, DeploymentKind.DEPLOY);
  }

  /**
   * Checks a build request ({@code POST /api/v1/build}, for {@code run-local}: the deploy payload)
   * and starts a build of an image that nothing deploys; returns the id to poll for its {@code
   * image_name}. Needs the same permission as deploying the job.
   */
  public String build(Caller caller, DeployUpload upload) {
    return accept(caller, upload, DeploymentKind.BUILD);
  }

  /**
   * Checks and starts; from then on the deployment owns the upload's context file, and until then a
   * refusal deletes it.
   */
  private String accept(Caller caller, DeployUpload upload, DeploymentKind kind) {
    try {
      return check(caller, upload, kind);
    } catch (RuntimeException e) {
      upload.discard();
      throw e;
    }
  }

  private String check(Caller caller, DeployUpload upload, DeploymentKind kind) {
    DeployRequest request = upload.request();
    maintenance.ensureOff();
    starter.ensureRoom(caller);
    JobManifests.Typed typed = manifests.submitted(request.manifest());
    for (String flag : request.buildFlags()) {
      if (!ALLOWED_BUILD_FLAGS.contains(flag)) {
        throw new ValidationException(
            "build flag '" + flag + "' is not allowed; allowed: " + ALLOWED_BUILD_FLAGS);
      }
    }
    upload.context().ifPresent(file -> BuildContext.check(file, uploadLimits));
    String target = targets.choose(Optional.ofNullable(typed.manifest().infrastructureTarget()));
    DeployRequest.SecretVars vars =
        Optional.ofNullable(request.secretVars())
            .orElse(new DeployRequest.SecretVars(Map.of(), Map.of()));
    DeploymentTask task =
        new DeploymentTask(
            "pending",
            kind,
            caller,
            typed.manifest(),
            typed.jobType(),
            target,
            upload.context(),
            new JobSecrets(
                Optional.ofNullable(request.gitCredentials()), vars.buildEnv(), vars.runtimeEnv()),
            Optional.empty(),
            Optional.empty(),
            request.isForced(),
            request.buildFlags());
    if (kind == DeploymentKind.DEPLOY) {
      checks.checkOverwrite(task);
    }
    checks.checkPermission(task);
    return starter.start(task);
  }
}
