package dev.racetrack.kubernetes;

import static dev.racetrack.kubernetes.KubernetesNames.envSecretName;
import static dev.racetrack.kubernetes.KubernetesNames.labels;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobProvision;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The desired objects of a job version (model code, no I/O): a Deployment, a Service in front of it
 * and a Secret holding its environment. The Deployment names the Secret and holds no variable of
 * the job itself, so no secret is ever in its spec.
 */
final class JobResources {
  /** Paths of the wrapper's probes; both answer without the job-call secret. */
  static final String LIVE_PATH = "/live";

  static final String READY_PATH = "/ready";

  private static final String CONTAINER = "job";

  private JobResources() {}

  static Deployment deployment(JobProvision provision, KubernetesConfig config) {
    Manifest manifest = provision.manifest();
    String name = KubernetesNames.objectName(manifest.name(), manifest.version());
    Map<String, String> labels = labels(manifest.name(), manifest.version());
    Map<String, String> podLabels = new HashMap<>(labels);
    podLabels.put(KubernetesNames.TIMESTAMP_LABEL, Long.toString(provision.deploymentTimestamp()));
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(Math.max(1, manifest.replicas()))
        .withNewSelector()
        .withMatchLabels(Map.of(KubernetesNames.RESOURCE_LABEL, name))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(
            Map.of(
                KubernetesNames.NAME_ANNOTATION, manifest.name(),
                KubernetesNames.VERSION_ANNOTATION, manifest.version()))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withImagePullSecrets(
            config.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(config.runAsUser())
        .withRunAsGroup(config.runAsUser())
        .withFsGroup(config.runAsUser())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(provision, name, config))
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(JobProvision provision, String name, KubernetesConfig config) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(provision.imageName())
        .withImagePullPolicy("IfNotPresent")
        .withEnv(
            new EnvVar("JOB_HTTP_ADDR", "0.0.0.0", null),
            new EnvVar("JOB_HTTP_PORT", Integer.toString(KubernetesConfig.JOB_PORT), null))
        .addNewEnvFrom()
        .withNewSecretRef()
        .withName(envSecretName(name))
        .withOptional(false)
        .endSecretRef()
        .endEnvFrom()
        .addNewPort()
        .withName("http")
        .withContainerPort(KubernetesConfig.JOB_PORT)
        .endPort()
        .withResources(resources(provision.manifest(), config.defaults()))
        .withStartupProbe(probe(LIVE_PATH, 5, 10))
        .withLivenessProbe(probe(LIVE_PATH, 10, 5))
        .withReadinessProbe(probe(READY_PATH, 10, 3))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }

  /** An HTTP probe; the wrapper answers these paths without the job-call secret. */
  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(3)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static ResourceRequirements resources(
      Manifest manifest, KubernetesConfig.DefaultResources defaults) {
    Optional<Manifest.Resources> r = Optional.ofNullable(manifest.resources());
    return new ResourceRequirementsBuilder()
        .withRequests(
            Map.of(
                "memory", quantity(r, Manifest.Resources::memoryMin, defaults.memoryMin()),
                "cpu", quantity(r, Manifest.Resources::cpuMin, defaults.cpuMin())))
        .withLimits(
            Map.of(
                "memory", quantity(r, Manifest.Resources::memoryMax, defaults.memoryMax()),
                "cpu", quantity(r, Manifest.Resources::cpuMax, defaults.cpuMax())))
        .build();
  }

  private static Quantity quantity(
      Optional<Manifest.Resources> resources,
      Function<Manifest.Resources, String> field,
      String fallback) {
    return new Quantity(resources.map(field).orElse(fallback));
  }

  static Service service(String jobName, String jobVersion, KubernetesConfig config) {
    String name = KubernetesNames.objectName(jobName, jobVersion);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(labels(jobName, jobVersion))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Map.of(KubernetesNames.RESOURCE_LABEL, name))
        .addNewPort()
        .withName("http")
        .withPort(KubernetesConfig.JOB_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  /** The job's environment (runtime, secret runtime and reserved variables), as a Secret. */
  static Secret envSecret(JobProvision provision, KubernetesConfig config) {
    Manifest manifest = provision.manifest();
    String name = KubernetesNames.objectName(manifest.name(), manifest.version());
    return secret(
        envSecretName(name), manifest.name(), manifest.version(), provision.fullEnv(), config);
  }

  static Secret secret(
      String secretName,
      String jobName,
      String jobVersion,
      Map<String, String> data,
      KubernetesConfig config) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName)
        .withNamespace(config.namespace())
        .withLabels(labels(jobName, jobVersion))
        .endMetadata()
        .withType("Opaque")
        .withData(encode(data))
        .build();
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> encoded = new HashMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  /** The decoded data of a Secret (the API server keeps {@code data} base64-encoded). */
  static Map<String, String> decode(Secret secret) {
    Map<String, String> decoded = new HashMap<>();
    Optional.ofNullable(secret.getData())
        .orElse(Map.of())
        .forEach(
            (k, v) ->
                decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    Optional.ofNullable(secret.getStringData()).orElse(Map.of()).forEach(decoded::put);
    return decoded;
  }

  /** The address PUB forwards calls to: the Service's cluster DNS name and port. */
  static String address(String objectName, KubernetesConfig config) {
    return objectName
        + "."
        + config.namespace()
        + ".svc."
        + config.clusterDomain()
        + ":"
        + KubernetesConfig.JOB_PORT;
  }

  /** Names of the containers in a job pod (for logs). */
  static List<String> containers() {
    return List.of(CONTAINER);
  }
}
