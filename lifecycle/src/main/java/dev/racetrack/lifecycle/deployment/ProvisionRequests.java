package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobProvision;
import java.time.Instant;

/**
 * What a target is asked to start: the manifest with the effective resources, the artifact, and the
 * job's environment (reserved variables with the family token and call secret, plugin variables,
 * the manifest's and the secret runtime variables).
 */
public final class ProvisionRequests {
  private final FamilyTokens tokens;
  private final PluginHooks hooks;
  private final DeploymentPipeline.Settings settings;

  public ProvisionRequests(
      FamilyTokens tokens, PluginHooks hooks, DeploymentPipeline.Settings settings) {
    this.tokens = tokens;
    this.hooks = hooks;
    this.settings = settings;
  }

  JobProvision of(DeploymentTask task, Artifact artifact, Instant now) {
    String familyToken = tokens.of(task.jobName());
    long timestamp = now.getEpochSecond();
    // The target applies the effective resources (the platform's defaults fill what the manifest
    // leaves out); the stored manifest keeps what its author wrote.
    Manifest manifest =
        task.manifest().withResources(settings.resources().effective(task.manifest().resources()));
    return new JobProvision(
        manifest,
        artifact.name(),
        timestamp,
        JobEnvironment.withPluginVars(
            hooks.runtimeEnvVars(),
            JobEnvironment.withCallSecret(
                JobEnvironment.reserved(
                    task.manifest(),
                    settings.internalPubUrl(),
                    familyToken,
                    timestamp,
                    task.jobType().key()),
                settings.jobSecrets().secret(task.jobName(), task.jobVersion()))),
        JobEnvironment.runtime(task.manifest(), task.secrets().buildEnv()),
        task.secrets().runtimeEnv(),
        settings.readinessTimeout());
  }
}
