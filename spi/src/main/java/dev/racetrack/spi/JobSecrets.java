package dev.racetrack.spi;

import dev.racetrack.model.DeployRequest.GitCredentials;
import java.util.Map;
import java.util.Optional;

/** Secrets of a job version: git credentials and secret build and runtime variables. */
public record JobSecrets(
    Optional<GitCredentials> gitCredentials,
    Map<String, String> buildEnv,
    Map<String, String> runtimeEnv) {
  public JobSecrets {
    buildEnv = Map.copyOf(buildEnv);
    runtimeEnv = Map.copyOf(runtimeEnv);
  }

  public static JobSecrets none() {
    return new JobSecrets(Optional.empty(), Map.of(), Map.of());
  }

  public boolean isEmpty() {
    return gitCredentials.isEmpty() && buildEnv.isEmpty() && runtimeEnv.isEmpty();
  }

  @Override
  public String toString() {
    return "JobSecrets[git="
        + gitCredentials.isPresent()
        + ", build="
        + buildEnv.keySet()
        + ", runtime="
        + runtimeEnv.keySet()
        + "]";
  }
}
