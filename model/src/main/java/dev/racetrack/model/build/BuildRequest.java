package dev.racetrack.model.build;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.racetrack.model.DeployRequest.GitCredentials;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Body of the image builder's {@code POST /api/v1/build/sse} (§7.2).
 *
 * @param manifest the validated manifest (snake_case map)
 * @param buildContext base64 .tar.gz of the job directory, or null to clone {@code git.remote}
 * @param secretBuildEnv secret build variables; visible to the build only, never logged
 * @param tag image tag ({@code YYYY-MM-DDTHHMMSS})
 * @param buildFlags extra flags of the job type's build ({@code --build-flag})
 * @param output what to produce: an artifact directory for the local target, or an OCI image in the
 *     configured registry for container targets (absent in JSON: a directory)
 * @param deployer who asked for the build (a username, or {@code ESC: name}), recorded in the
 *     image's {@code racetrack.job.deployer} label; empty when unknown (absent in JSON)
 */
public record BuildRequest(
    String deploymentId,
    Map<String, Object> manifest,
    @Nullable String buildContext,
    @Nullable GitCredentials gitCredentials,
    Map<String, String> secretBuildEnv,
    String tag,
    List<String> buildFlags,
    @Nullable Output output,
    @Nullable String deployer) {

  /** What a build produces. */
  public enum Output {
    /** An artifact directory on the builder's disk that the local target runs. */
    @JsonProperty("directory")
    DIRECTORY,
    /** An OCI image pushed to the registry, named by digest, that container targets run. */
    @JsonProperty("image")
    IMAGE
  }

  public BuildRequest {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(manifest, "manifest");
    secretBuildEnv = secretBuildEnv == null ? Map.of() : Map.copyOf(secretBuildEnv);
    Objects.requireNonNull(tag, "tag");
    buildFlags = buildFlags == null ? List.of() : List.copyOf(buildFlags);
    output = output == null ? Output.DIRECTORY : output;
    deployer = deployer == null ? "" : deployer;
  }

  /** A request without a known deployer. */
  public BuildRequest(
      String deploymentId,
      Map<String, Object> manifest,
      @Nullable String buildContext,
      @Nullable GitCredentials gitCredentials,
      Map<String, String> secretBuildEnv,
      String tag,
      List<String> buildFlags,
      @Nullable Output output) {
    this(
        deploymentId,
        manifest,
        buildContext,
        gitCredentials,
        secretBuildEnv,
        tag,
        buildFlags,
        output,
        "");
  }

  @Override
  public String toString() {
    return "BuildRequest["
        + deploymentId
        + ", "
        + manifest.get("name")
        + " "
        + manifest.get("version")
        + ", tag="
        + tag
        + "]";
  }
}
