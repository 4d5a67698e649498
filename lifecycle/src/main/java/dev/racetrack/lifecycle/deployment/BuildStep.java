package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.BuildProgress;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Has the image builder build the task's source; stores the build log with the deployment. */
final class BuildStep {
  private static final DateTimeFormatter TAG =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final ImageBuilderClient imageBuilder;
  private final DeploymentRepository deployments;
  private final Clock clock;
  private final Targets targets;

  BuildStep(
      ImageBuilderClient imageBuilder,
      DeploymentRepository deployments,
      Clock clock,
      Targets targets) {
    this.imageBuilder = imageBuilder;
    this.deployments = deployments;
    this.clock = clock;
    this.targets = targets;
  }

  /**
   * Builds and returns the artifact: an OCI image reference pinned by digest when the task's target
   * runs images, else an artifact directory.
   */
  String build(DeploymentTask task) {
    return build(
        task,
        targets.get(task.target()).runsImages()
            ? BuildRequest.Output.IMAGE
            : BuildRequest.Output.DIRECTORY);
  }

  /** Builds {@code output} and returns its name (an artifact directory or an image reference). */
  String build(DeploymentTask task, BuildRequest.Output output) {
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
    return result.imageName();
  }
}
