package dev.racetrack.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /api/v1/deploy} ({@code DeployPayload} of §3.3).
 *
 * @param manifest the full manifest, already merged with its {@code extends} base and extra vars
 * @param buildContext base64 of a .tar.gz of the job's directory, or null to build from git
 */
public record DeployRequest(
    Map<String, Object> manifest,
    @Nullable GitCredentials gitCredentials,
    @Nullable SecretVars secretVars,
    @Nullable String buildContext,
    @Nullable Boolean force,
    List<String> buildFlags) {

  public DeployRequest {
    manifest = manifest == null ? Map.of() : manifest;
    buildFlags = buildFlags == null ? List.of() : List.copyOf(buildFlags);
  }

  public boolean isForced() {
    return Boolean.TRUE.equals(force);
  }

  /** Credentials for cloning a private git repository. */
  public record GitCredentials(String username, String password) {
    @Override
    public String toString() {
      return "GitCredentials[username=" + username + ", password=***]";
    }
  }

  /** Secret environment variables read by the client from the manifest's secret env files. */
  public record SecretVars(Map<String, String> buildEnv, Map<String, String> runtimeEnv) {
    public SecretVars {
      buildEnv = buildEnv == null ? Map.of() : Map.copyOf(buildEnv);
      runtimeEnv = runtimeEnv == null ? Map.of() : Map.copyOf(runtimeEnv);
    }

    @Override
    public String toString() {
      return "SecretVars[buildEnv="
          + buildEnv.keySet()
          + ", runtimeEnv="
          + runtimeEnv.keySet()
          + "]";
    }
  }

  @Override
  public String toString() {
    return "DeployRequest[manifest="
        + manifest.get("name")
        + ", buildContext="
        + (buildContext == null ? "none" : buildContext.length() + " chars")
        + ", force="
        + force
        + "]";
  }
}
