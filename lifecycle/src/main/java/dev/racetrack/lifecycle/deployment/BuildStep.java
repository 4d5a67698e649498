package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.BuildProgress;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Produces a deployment's {@link Artifact}: has the image builder build the task's source (storing
 * the build log with the deployment), or reuses the artifact a reprovision or move names when it
 * fits the target.
 */
public final class BuildStep {
  private static final DateTimeFormatter TAG =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final ImageBuilderClient imageBuilder;
  private final DeploymentRepository deployments;
  private final Clock clock;
  private final Targets targets;
  private final PluginHooks hooks;

  public BuildStep(
      ImageBuilderClient imageBuilder,
      DeploymentRepository deployments,
      Targets targets,
      PluginHooks hooks,
      Clock clock) {
    this.imageBuilder = imageBuilder;
    this.deployments = deployments;
    this.targets = targets;
    this.hooks = hooks;
    this.clock = clock;
  }

  /**
   * The artifact to start once the plugins accepted the manifest: the task's own when it fits the
   * target (a move between a process target and an image target needs the other kind), else a new
   * build (an OCI image reference pinned by digest when the target runs images, else an artifact
   * directory).
   */
  Artifact artifact(DeploymentTask task) {
    hooks.validateManifest(task.manifest(), task.jobType().key());
    Optional<String> reusable = task.image().filter(i -> targets.fits(task.target(), i));
    if (reusable.isPresent()) {
      deployments.setImage(task.id(), reusable.get());
      return new Artifact(reusable.get(), true);
    }
    return build(
        task,
        targets.get(task.target()).runsImages()
            ? BuildRequest.Output.IMAGE
            : BuildRequest.Output.DIRECTORY);
  }

  /** Builds {@code output} (an artifact directory or an image reference). */
  Artifact build(DeploymentTask task, BuildRequest.Output output) {
    deployments.setPhase(task.id(), "building image");
    BuildRequest request =
        new BuildRequest(
            task.id(),
            task.manifest().toMap(),
            null, // the context streams from its file, see ImageBuilderClient
            task.secrets().gitCredentials().orElse(null),
            task.secrets().buildEnv(),
            TAG.format(clock.instant()),
            task.buildFlags(),
            output,
            task.caller().username());
    BuildResult result =
        imageBuilder.build(
            request,
            task.buildContext(),
            new BuildProgress() {
              @Override
              public void phase(String phase) {
                deployments.setPhase(task.id(), phase);
              }

              @Override
              public void warning(String warning) {
                deployments.addWarning(task.id(), warning);
              }

              @Override
              public void log(String line) {
                // the builder keeps the log; it comes back whole with the result
              }

              @Override
              public void alive() {
                deployments.touch(task.id());
              }
            });
    deployments.saveBuild(task.id(), result.logs(), Optional.ofNullable(result.imageName()));
    result.warnings().forEach(w -> deployments.addWarning(task.id(), w));
    if (result.failed() || result.imageName() == null) {
      throw new RacetrackException(
          "building image failed: "
              + (result.error() == null ? "no image produced" : result.error()));
    }
    return new Artifact(result.imageName(), false);
  }
}
