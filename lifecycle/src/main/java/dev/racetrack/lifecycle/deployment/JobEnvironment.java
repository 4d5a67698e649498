package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.Tracing;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.manifest.Manifest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment a job process gets (§9.2, §13.1). */
public final class JobEnvironment {
  private JobEnvironment() {}

  /** Platform variables a manifest may not override. */
  public static Map<String, String> reserved(
      Manifest manifest,
      String internalPubUrl,
      String familyToken,
      long deploymentTimestamp,
      String jobTypeVersion) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JOB_NAME", manifest.name());
    env.put("JOB_VERSION", manifest.version());
    env.put("JOB_DEPLOYMENT_TIMESTAMP", Long.toString(deploymentTimestamp));
    env.put("JOB_MANIFEST_YAML", manifest.toYaml());
    env.put("JOB_TYPE_VERSION", jobTypeVersion);
    env.put("PUB_URL", internalPubUrl);
    env.put("AUTH_TOKEN", familyToken);
    env.put("REQUEST_TRACING_HEADER", Tracing.TRACING_HEADER);
    env.put("CALLER_NAME_HEADER", Tracing.CALLER_HEADER);
    env.put("JOB_USER_MODULE_HOSTNAME", "localhost");
    return env;
  }

  /**
   * The reserved variables plus the job's call secret ({@value JobCallSecrets#ENV}): the job
   * performs only for callers presenting it, which only PUB can.
   */
  public static Map<String, String> withCallSecret(Map<String, String> reserved, String secret) {
    Map<String, String> env = new LinkedHashMap<>(reserved);
    env.put(JobCallSecrets.ENV, secret);
    return env;
  }

  /** Variables plugins give every job, under the reserved ones (which they cannot override). */
  public static Map<String, String> withPluginVars(
      Map<String, String> pluginVars, Map<String, String> reserved) {
    Map<String, String> env = new LinkedHashMap<>(pluginVars);
    env.putAll(reserved);
    return env;
  }

  /**
   * The manifest's runtime variables, plus every build variable not set at runtime shadowed with an
   * empty value, so build secrets never leak into the running job.
   */
  public static Map<String, String> runtime(Manifest manifest, Map<String, String> secretBuildEnv) {
    Map<String, String> env = new HashMap<>();
    manifest.buildEnv().keySet().forEach(k -> env.put(k, ""));
    secretBuildEnv.keySet().forEach(k -> env.put(k, ""));
    env.putAll(manifest.runtimeEnv());
    return env;
  }
}
