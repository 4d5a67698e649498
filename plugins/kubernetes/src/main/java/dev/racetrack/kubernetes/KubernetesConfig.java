package dev.racetrack.kubernetes;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Quantity;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Kubernetes target, read from the platform's environment.
 *
 * @param namespace {@code KUBERNETES_NAMESPACE}: where job objects are created
 * @param imagePullSecrets {@code KUBERNETES_IMAGE_PULL_SECRETS}: comma-separated names of
 *     docker-registry Secrets in that namespace the kubelet pulls job images with
 * @param runAsUser {@code KUBERNETES_JOB_RUN_AS_USER}: the non-root uid job containers run as
 * @param defaults resources for manifests that set none ({@code KUBERNETES_JOB_MEMORY_MIN}, {@code
 *     _MEMORY_MAX}, {@code _CPU_MIN}, {@code _CPU_MAX})
 * @param pollInterval {@code KUBERNETES_POLL_MILLIS}: how often a rollout is checked
 * @param clusterDomain {@code KUBERNETES_CLUSTER_DOMAIN}: the cluster's DNS domain, in the job
 *     addresses PUB calls ({@code job-NAME-v-VERSION.NAMESPACE.svc.DOMAIN:7000})
 */
public record KubernetesConfig(
    String namespace,
    List<String> imagePullSecrets,
    long runAsUser,
    DefaultResources defaults,
    Duration pollInterval,
    String clusterDomain) {

  /** Resources applied where the manifest is silent. */
  public record DefaultResources(
      String memoryMin, String memoryMax, String cpuMin, String cpuMax) {}

  /** The port the job's wrapper listens on inside its pod, and the Service's port. */
  public static final int JOB_PORT = 7000;

  public KubernetesConfig {
    Objects.requireNonNull(namespace, "namespace");
    imagePullSecrets = List.copyOf(imagePullSecrets);
    Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(clusterDomain, "clusterDomain");
  }

  /** Reads the settings; an error names the bad variable. */
  public static KubernetesConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    String namespace = env.string("KUBERNETES_NAMESPACE", "racetrack");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new ValidationException(
          "environment variable KUBERNETES_NAMESPACE must be a DNS label, got '" + namespace + "'");
    }
    List<String> pullSecrets =
        Arrays.stream(env.string("KUBERNETES_IMAGE_PULL_SECRETS", "racetrack-registry").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    DefaultResources defaults =
        new DefaultResources(
            quantity(env, "KUBERNETES_JOB_MEMORY_MIN", "256Mi"),
            quantity(env, "KUBERNETES_JOB_MEMORY_MAX", "1Gi"),
            quantity(env, "KUBERNETES_JOB_CPU_MIN", "10m"),
            quantity(env, "KUBERNETES_JOB_CPU_MAX", "1"));
    return new KubernetesConfig(
        namespace,
        pullSecrets,
        env.positiveLong("KUBERNETES_JOB_RUN_AS_USER", 100_000),
        defaults,
        Duration.ofMillis(env.positiveLong("KUBERNETES_POLL_MILLIS", 1000)),
        env.string("KUBERNETES_CLUSTER_DOMAIN", "cluster.local"));
  }

  private static String quantity(EnvReader env, String name, String fallback) {
    String value = env.string(name, fallback);
    Quantity.parse(value, "environment variable " + name);
    return value;
  }
}
