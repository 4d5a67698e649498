package dev.racetrack.spi;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a target needs to start a job version.
 *
 * @param manifest the job's manifest
 * @param imageName what the image builder produced (an artifact directory for the local target, an
 *     image reference for container targets)
 * @param deploymentTimestamp Unix seconds; the job reports it on {@code /live} so the platform can
 *     tell the new instance from an old one
 * @param reservedEnv platform variables ({@code JOB_NAME}, {@code PUB_URL}, {@code AUTH_TOKEN},
 *     ...)
 * @param runtimeEnv the manifest's {@code runtime_env} plus build keys shadowed with empty values
 * @param secretRuntimeEnv secret runtime variables; never logged
 * @param readinessTimeout how long to wait for the job to become ready
 */
public record JobProvision(
    Manifest manifest,
    String imageName,
    long deploymentTimestamp,
    Map<String, String> reservedEnv,
    Map<String, String> runtimeEnv,
    Map<String, String> secretRuntimeEnv,
    Duration readinessTimeout) {

  public JobProvision {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(imageName, "imageName");
    reservedEnv = Map.copyOf(reservedEnv);
    runtimeEnv = Map.copyOf(runtimeEnv);
    secretRuntimeEnv = Map.copyOf(secretRuntimeEnv);
    Objects.requireNonNull(readinessTimeout, "readinessTimeout");
    Set<String> clashes = new HashSet<>(runtimeEnv.keySet());
    clashes.addAll(secretRuntimeEnv.keySet());
    clashes.retainAll(reservedEnv.keySet());
    if (!clashes.isEmpty()) {
      throw new ValidationException(
          "found illegal runtime env vars, which conflict with reserved names: " + clashes);
    }
  }

  /** The environment of the job process: runtime, then secrets, then reserved variables. */
  public Map<String, String> fullEnv() {
    Map<String, String> env = new HashMap<>(runtimeEnv);
    env.putAll(secretRuntimeEnv);
    env.putAll(reservedEnv);
    return env;
  }

  @Override
  public String toString() {
    return "JobProvision["
        + manifest.name()
        + " "
        + manifest.version()
        + ", image="
        + imageName
        + ", secrets="
        + secretRuntimeEnv.keySet()
        + "]";
  }
}
