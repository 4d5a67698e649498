package dev.racetrack.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.config.RegistrySettings;
import dev.racetrack.testsupport.KustomizeDev;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renders {@code kustomize/dev} offline with {@code kubectl kustomize} and checks the objects: the
 * platform images are those {@code make docker-push} produces, third-party images are pinned,
 * selectors match pod labels, references resolve, probes hit real endpoints and the lifecycle's
 * RBAC is exactly what the Kubernetes target uses.
 */
class KustomizeDevTest {
  private static Path root;
  private static List<JsonNode> objects;

  @BeforeAll
  static void render() {
    root = KustomizeDev.repositoryRoot();
    objects =
        KustomizeDev.render(
            Map.of("JOB_REGISTRY_USER", "racetrack", "JOB_REGISTRY_PASSWORD", "registry-password"));
  }

  private static List<JsonNode> ofKind(String... kinds) {
    Set<String> wanted = Set.of(kinds);
    return objects.stream().filter(o -> wanted.contains(o.path("kind").asText())).toList();
  }

  private static Optional<JsonNode> named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst();
  }

  private static List<JsonNode> podTemplates() {
    return ofKind("Deployment", "StatefulSet").stream()
        .map(w -> w.path("spec").path("template"))
        .toList();
  }

  private static List<JsonNode> containers(JsonNode template) {
    List<JsonNode> all = new ArrayList<>();
    template.path("spec").path("initContainers").forEach(all::add);
    template.path("spec").path("containers").forEach(all::add);
    return all;
  }

  /** What `make docker-push` pushes with its defaults: REGISTRY/<image.name>:TAG per component. */
  private static Set<String> makefileImages() throws IOException {
    String makefile = Files.readString(root.resolve("Makefile"));
    String registry = makeVariable(makefile, "REGISTRY");
    String tag = makeVariable(makefile, "TAG");
    Set<String> images = new HashSet<>();
    for (String module : makeVariable(makefile, "COMPONENTS").split(",")) {
      String pom = Files.readString(root.resolve(module.strip()).resolve("pom.xml"));
      // image.name, and e.g. supervisor.image.name for a second image of the same module
      Matcher name = Pattern.compile("<([a-z]+\\.)?image\\.name>([^<]+)</").matcher(pom);
      assertThat(name.find()).as(module + " sets image.name").isTrue();
      do {
        images.add(registry + "/" + name.group(2) + ":" + tag);
      } while (name.find());
    }
    return images;
  }

  private static String makeVariable(String makefile, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " \\?= (\\S+)$").matcher(makefile);
    assertThat(m.find()).as("Makefile sets " + name).isTrue();
    return m.group(1);
  }

  @Test
  void images_ofThePlatform_areExactlyThoseMakeDockerPushProduces() throws IOException {
    Set<String> expected = makefileImages();
    String registry = makeVariable(Files.readString(root.resolve("Makefile")), "REGISTRY");
    Set<String> platform = new HashSet<>();
    for (JsonNode template : podTemplates()) {
      for (JsonNode c : containers(template)) {
        String image = c.path("image").asText();
        if (image.startsWith(registry + "/")) {
          platform.add(image);
        }
      }
    }
    assertThat(platform).isEqualTo(expected);
  }

  @Test
  void images_ofThirdParties_arePinnedToAnExactVersion() {
    Pattern pinned = Pattern.compile("[^:@]+(:[^:]*[0-9][^:]*|@sha256:[0-9a-f]{64})");
    for (JsonNode template : podTemplates()) {
      for (JsonNode c : containers(template)) {
        String image = c.path("image").asText();
        if (!image.startsWith("localhost:5000/racetrack/")) {
          assertThat(image)
              .as("third-party image pinned")
              .matches(pinned)
              .doesNotEndWith(":latest");
        }
      }
    }
  }

  @Test
  void selectors_ofWorkloadsAndServices_matchPodLabels() {
    List<Map<String, String>> podLabels = new ArrayList<>();
    for (JsonNode workload : ofKind("Deployment", "StatefulSet")) {
      Map<String, String> labels =
          strings(workload.path("spec").path("template").path("metadata").path("labels"));
      assertThat(labels)
          .as(workload.path("metadata").path("name").asText())
          .containsAllEntriesOf(
              strings(workload.path("spec").path("selector").path("matchLabels")));
      podLabels.add(labels);
    }
    for (JsonNode service : ofKind("Service")) {
      Map<String, String> selector = strings(service.path("spec").path("selector"));
      assertThat(selector).isNotEmpty();
      assertThat(podLabels)
          .as("pods selected by Service " + service.path("metadata").path("name").asText())
          .anySatisfy(labels -> assertThat(labels).containsAllEntriesOf(selector));
    }
  }

  @Test
  void references_toSecretsConfigMapsVolumesAndAccounts_allResolve() {
    for (JsonNode workload : ofKind("Deployment", "StatefulSet")) {
      JsonNode spec = workload.path("spec").path("template").path("spec");
      Set<String> claimTemplates = new HashSet<>();
      workload
          .path("spec")
          .path("volumeClaimTemplates")
          .forEach(t -> claimTemplates.add(t.path("metadata").path("name").asText()));
      Set<String> volumes = new HashSet<>(claimTemplates);
      for (JsonNode volume : spec.path("volumes")) {
        volumes.add(volume.path("name").asText());
        if (volume.has("configMap")) {
          assertThat(named("ConfigMap", volume.path("configMap").path("name").asText()))
              .isPresent();
        }
        if (volume.has("secret")) {
          JsonNode secret =
              named("Secret", volume.path("secret").path("secretName").asText()).orElseThrow();
          volume
              .path("secret")
              .path("items")
              .forEach(i -> assertThat(secret.path("data").has(i.path("key").asText())).isTrue());
        }
        if (volume.has("persistentVolumeClaim")) {
          assertThat(
                  named(
                      "PersistentVolumeClaim",
                      volume.path("persistentVolumeClaim").path("claimName").asText()))
              .isPresent();
        }
      }
      if (spec.has("serviceAccountName")) {
        assertThat(named("ServiceAccount", spec.path("serviceAccountName").asText())).isPresent();
      }
      for (JsonNode c : containers(workload.path("spec").path("template"))) {
        c.path("volumeMounts").forEach(m -> assertThat(volumes).contains(m.path("name").asText()));
        for (JsonNode from : c.path("envFrom")) {
          if (from.has("configMapRef")) {
            assertThat(named("ConfigMap", from.path("configMapRef").path("name").asText()))
                .isPresent();
          }
          if (from.has("secretRef")) {
            assertThat(named("Secret", from.path("secretRef").path("name").asText())).isPresent();
          }
        }
        for (JsonNode env : c.path("env")) {
          JsonNode ref = env.path("valueFrom").path("secretKeyRef");
          if (!ref.isMissingNode()) {
            JsonNode secret = named("Secret", ref.path("name").asText()).orElseThrow();
            assertThat(secret.path("data").has(ref.path("key").asText()))
                .as(env.path("name").asText())
                .isTrue();
          }
        }
      }
    }
    for (JsonNode binding : ofKind("RoleBinding")) {
      assertThat(named("Role", binding.path("roleRef").path("name").asText())).isPresent();
      binding
          .path("subjects")
          .forEach(s -> assertThat(named("ServiceAccount", s.path("name").asText())).isPresent());
    }
    for (JsonNode ingress : ofKind("Ingress")) {
      for (JsonNode rule : ingress.path("spec").path("rules")) {
        for (JsonNode path : rule.path("http").path("paths")) {
          JsonNode backend = path.path("backend").path("service");
          JsonNode service = named("Service", backend.path("name").asText()).orElseThrow();
          List<String> ports = new ArrayList<>();
          service.path("spec").path("ports").forEach(p -> ports.add(p.path("name").asText()));
          assertThat(ports).contains(backend.path("port").path("name").asText());
        }
      }
    }
  }

  /**
   * Every platform container has HTTP liveness and readiness probes on one of its named ports (the
   * paths are called on the running components in the server module's {@code KustomizeProbesIT}).
   */
  @Test
  void probes_ofPlatformContainers_useTheirNamedPorts() {
    int checked = 0;
    for (JsonNode template : podTemplates()) {
      for (JsonNode c : template.path("spec").path("containers")) {
        if (!c.path("image").asText().startsWith("localhost:5000/racetrack/")) {
          continue;
        }
        Set<String> ports = new HashSet<>();
        c.path("ports").forEach(p -> ports.add(p.path("name").asText()));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
          JsonNode http = c.path(probe).path("httpGet");
          assertThat(http.isMissingNode()).as(probe + " of " + c.path("name")).isFalse();
          assertThat(http.path("path").asText()).startsWith("/");
          assertThat(ports)
              .as(probe + " of " + c.path("name"))
              .contains(http.path("port").asText());
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(10);
  }

  @Test
  void rbac_ofLifecycle_grantsExactlyTheVerbsTheTargetUses() {
    JsonNode role = named("Role", "lifecycle-jobs").orElseThrow();
    Set<String> granted = new HashSet<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            granted.add(group.asText() + "|" + resource.asText() + "|" + verb.asText());
          }
        }
      }
    }
    Set<String> required = new HashSet<>();
    for (ApiAccess access : ApiAccess.REQUIRED) {
      access
          .verbs()
          .forEach(v -> required.add(access.apiGroup() + "|" + access.resource() + "|" + v));
    }
    assertThat(granted).isEqualTo(required);
    JsonNode binding = named("RoleBinding", "lifecycle-jobs").orElseThrow();
    JsonNode lifecycle = named("Deployment", "lifecycle").orElseThrow();
    assertThat(binding.path("subjects").get(0).path("name").asText())
        .isEqualTo(
            lifecycle
                .path("spec")
                .path("template")
                .path("spec")
                .path("serviceAccountName")
                .asText());
  }

  @Test
  void rbac_ofTheSupervisor_grantsOnlyTheStatusSyncsReads() {
    JsonNode role = named("Role", "supervisor-jobs").orElseThrow();
    Set<String> required = new HashSet<>();
    for (ApiAccess access : ApiAccess.STATUS_SYNC) {
      access
          .verbs()
          .forEach(v -> required.add(access.apiGroup() + "|" + access.resource() + "|" + v));
    }
    assertThat(granted(role)).isEqualTo(required);
    JsonNode binding = named("RoleBinding", "supervisor-jobs").orElseThrow();
    assertThat(binding.path("subjects").get(0).path("name").asText())
        .isEqualTo(podSpec("supervisor").path("serviceAccountName").asText());
  }

  @Test
  void kubernetesApiTokens_areMountedOnlyInTheComponentsThatCallTheApi() {
    // lifecycle and the supervisor (the Kubernetes target), Prometheus (pod discovery)
    Map<String, String> bound = new HashMap<>();
    for (JsonNode binding : ofKind("RoleBinding")) {
      binding
          .path("subjects")
          .forEach(
              s ->
                  bound.put(
                      s.path("name").asText(), binding.path("roleRef").path("name").asText()));
    }
    Set<String> withToken = new HashSet<>();
    for (JsonNode workload : ofKind("Deployment", "StatefulSet")) {
      String name = workload.path("metadata").path("name").asText();
      JsonNode spec = workload.path("spec").path("template").path("spec");
      if (spec.path("automountServiceAccountToken").asBoolean(true)) {
        withToken.add(name);
        assertThat(bound)
            .as(name + " mounts a token: its service account has a Role")
            .containsKey(spec.path("serviceAccountName").asText());
      }
    }
    assertThat(withToken).containsExactlyInAnyOrder("lifecycle", "supervisor", "prometheus");
  }

  @Test
  void supervisor_runsAsItsOwnDeployment_andLifecycleRunsWithoutIt() {
    JsonNode supervisor = named("Deployment", "supervisor").orElseThrow();
    assertThat(supervisor.path("spec").path("replicas").asInt()).isEqualTo(1);
    JsonNode container = podSpec("supervisor").path("containers").get(0);
    assertThat(container.path("image").asText()).contains("/supervisor:");
    Map<String, String> supervisorEnv = environment(container);
    assertThat(supervisorEnv)
        .containsEntry("SUPERVISOR_PORT", "7207")
        .containsEntry("SUPERVISOR_HOST", "0.0.0.0")
        .containsKeys("POSTGRES_HOST", "POSTGRES_PASSWORD", "INFRASTRUCTURE_TARGET");
    assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(7207);
    Map<String, String> lifecycleEnv = environment(podSpec("lifecycle").path("containers").get(0));
    assertThat(lifecycleEnv).containsEntry("SUPERVISOR_EMBEDDED", "false");
    assertThat(podSpec("supervisor").path("initContainers").get(0).path("command").toString())
        .as("the supervisor waits for lifecycle's migrations")
        .contains("http://lifecycle:7202/ready");
  }

  /**
   * The image builder's environment on Kubernetes has every setting it needs to build job images
   * (read with the same parser the image builder uses), the push credentials match the pull secret
   * the kubelet gets, and the base images are pinned.
   */
  @Test
  void imageBuilder_environment_hasEverySettingJobImagesNeed() throws IOException {
    Map<String, String> env = environment(podSpec("image-builder").path("containers").get(0));
    assertThat(env)
        .containsKeys(
            "DOCKER_REGISTRY",
            "DOCKER_REGISTRY_NAMESPACE",
            "DOCKER_REGISTRY_USERNAME",
            "DOCKER_REGISTRY_PASSWORD",
            "PYTHON3_BASE_IMAGE",
            "JAVA_BASE_IMAGE",
            "DOCKER_HOST");
    RegistrySettings registry = RegistrySettings.fromEnv(env);
    assertThat(registry.registry()).isPresent();
    assertThat(registry.username()).isPresent();
    assertThat(registry.password()).isPresent();
    for (String base : List.of("PYTHON3_BASE_IMAGE", "JAVA_BASE_IMAGE")) {
      assertThat(env.get(base)).as(base).matches("[^:@]+(:[^:]*[0-9][^:]*|@sha256:[0-9a-f]{64})");
    }
    // the kubelet pulls job images with the racetrack-registry Secret (imagePullSecrets)
    assertThat(environment(podSpec("lifecycle").path("containers").get(0)))
        .containsEntry("KUBERNETES_IMAGE_PULL_SECRETS", "racetrack-registry");
    JsonNode pull = named("Secret", "racetrack-registry").orElseThrow();
    JsonNode auths =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(decode(pull.path("data").path(".dockerconfigjson").asText()))
            .path("auths");
    JsonNode auth = auths.path(registry.registry().get());
    assertThat(auth.isMissingNode()).as("pull secret has " + registry.registry().get()).isFalse();
    assertThat(decode(auth.path("auth").asText()))
        .isEqualTo(registry.username().get() + ":" + registry.password().get());
  }

  /**
   * Every component that reads plugins keeps its store ({@code PLUGINS_DIR}) on the shared
   * racetrack-plugins-pvc volume, so a plugin lifecycle installs reaches the others and survives a
   * restart; lifecycle, which installs them, mounts it writable.
   */
  @Test
  void plugins_ofEveryComponent_liveOnTheSharedPluginsVolume() {
    for (String component : List.of("lifecycle", "supervisor", "image-builder")) {
      JsonNode pod = podSpec(component);
      String volume =
          streamOf(pod.path("volumes"))
              .filter(
                  v ->
                      v.path("persistentVolumeClaim")
                          .path("claimName")
                          .asText()
                          .equals("racetrack-plugins-pvc"))
              .map(v -> v.path("name").asText())
              .findFirst()
              .orElseThrow(() -> new AssertionError(component + " mounts no plugins volume"));
      JsonNode container = pod.path("containers").get(0);
      JsonNode mount =
          streamOf(container.path("volumeMounts"))
              .filter(m -> m.path("name").asText().equals(volume))
              .findFirst()
              .orElseThrow(() -> new AssertionError(component + " does not mount " + volume));
      assertThat(environment(container).get("PLUGINS_DIR"))
          .as(component + "'s PLUGINS_DIR")
          .isEqualTo(mount.path("mountPath").asText());
      assertThat(mount.path("readOnly").asBoolean(false))
          .as(component + " mounts the plugins volume read-only unless it installs plugins")
          .isEqualTo(!component.equals("lifecycle"));
    }
  }

  private static java.util.stream.Stream<JsonNode> streamOf(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }

  private static JsonNode podSpec(String deployment) {
    return named("Deployment", deployment).orElseThrow().path("spec").path("template").path("spec");
  }

  /** A container's environment as the kubelet would give it (config maps and secrets resolved). */
  private static Map<String, String> environment(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        strings(
                named("ConfigMap", from.path("configMapRef").path("name").asText())
                    .orElseThrow()
                    .path("data"))
            .forEach(env::put);
      }
      if (from.has("secretRef")) {
        strings(
                named("Secret", from.path("secretRef").path("name").asText())
                    .orElseThrow()
                    .path("data"))
            .forEach((k, v) -> env.put(k, decode(v)));
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
      }
      JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
      if (!secretRef.isMissingNode()) {
        env.put(
            name,
            decode(
                named("Secret", secretRef.path("name").asText())
                    .orElseThrow()
                    .path("data")
                    .path(secretRef.path("key").asText())
                    .asText()));
      }
    }
    return env;
  }

  private static String decode(String base64) {
    // kubectl wraps long values over several lines
    return new String(java.util.Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static Set<String> granted(JsonNode role) {
    Set<String> granted = new HashSet<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            granted.add(group.asText() + "|" + resource.asText() + "|" + verb.asText());
          }
        }
      }
    }
    return granted;
  }

  @Test
  void grafana_dashboards_areThoseOfUtils() throws IOException {
    Path copies = root.resolve("kustomize/dev/monitoring/dashboards");
    try (var files = Files.list(root.resolve("utils/grafana/dashboards"))) {
      for (Path original : files.toList()) {
        assertThat(copies.resolve(original.getFileName())).hasSameTextualContentAs(original);
      }
    }
    JsonNode dashboards = named("ConfigMap", configMapName("grafana-dashboards")).orElseThrow();
    assertThat(dashboards.path("data").size()).isEqualTo(3);
  }

  private static String configMapName(String prefix) {
    return ofKind("ConfigMap").stream()
        .map(o -> o.path("metadata").path("name").asText())
        .filter(n -> n.startsWith(prefix + "-"))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  /**
   * The repository carries no platform secrets: the rendered Secrets hold values generated for this
   * render (random keys, no placeholder), and the script never overwrites a file it finds.
   */
  @Test
  void secrets_areGeneratedOnce_randomly_andNeverCommitted() throws IOException {
    assertThat(Files.readString(root.resolve(".gitignore"))).contains("/kustomize/dev/secrets/");
    Map<String, String> keys = secretData("racetrack-secrets");
    assertThat(keys.keySet())
        .containsExactlyInAnyOrder(
            "AUTH_KEY", "INTERNAL_TOKEN", "JOB_CALL_KEY", "RACETRACK_SECRETS_KEY");
    keys.forEach((k, v) -> assertThat(v).as(k).hasSizeGreaterThanOrEqualTo(43));
    assertThat(java.util.Base64.getDecoder().decode(keys.get("RACETRACK_SECRETS_KEY"))).hasSize(32);
    assertThat(new HashSet<>(keys.values())).hasSize(4);
    assertThat(secretData("postgres-credentials").get("POSTGRES_PASSWORD"))
        .hasSizeGreaterThanOrEqualTo(43);

    Path dir = Files.createTempDirectory("kustomize-secrets");
    try {
      Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\n");
      Files.writeString(dir.resolve("config.env"), "DOCKER_REGISTRY=registry.example:5000\n");
      String script = root.resolve("scripts/kustomize-secrets.sh").toString();
      KustomizeDev.run(
          List.of(script, dir.toString()),
          Map.of("REGISTRY_USER", "pusher", "REGISTRY_PASSWORD", "s3cret"));
      Path secrets = dir.resolve("secrets");
      String first = Files.readString(secrets.resolve("racetrack.env"));
      assertThat(Files.readString(secrets.resolve("registry.env")))
          .isEqualTo("DOCKER_REGISTRY_USERNAME=pusher\nDOCKER_REGISTRY_PASSWORD=s3cret\n");
      assertThat(Files.readString(secrets.resolve("registry-dockerconfig.json")))
          .contains(
              "\"registry.example:5000\": {\"auth\": \""
                  + java.util.Base64.getEncoder()
                      .encodeToString("pusher:s3cret".getBytes(StandardCharsets.UTF_8)));
      assertThat(Files.getPosixFilePermissions(secrets.resolve("racetrack.env")))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

      String again = KustomizeDev.run(List.of(script, dir.toString()), Map.of());
      assertThat(again).contains("kept " + secrets.resolve("racetrack.env"));
      assertThat(Files.readString(secrets.resolve("racetrack.env"))).isEqualTo(first);

      Files.delete(secrets.resolve("racetrack.env"));
      KustomizeDev.run(List.of(script, dir.toString()), Map.of());
      assertThat(Files.readString(secrets.resolve("racetrack.env"))).isNotEqualTo(first);

      assertThatThrownBy(
              () ->
                  KustomizeDev.run(
                      List.of(script, dir.toString()), Map.of("REGISTRY_USER", "pusher")))
          .hasMessageContaining("a registry user (pusher) needs its password too");
    } finally {
      dev.racetrack.model.FileTrees.delete(dir);
    }
  }

  private static Map<String, String> secretData(String name) {
    Map<String, String> data = new HashMap<>();
    JsonNode secret =
        ofKind("Secret").stream()
            .filter(o -> o.path("metadata").path("name").asText().startsWith(name + "-"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Secret " + name + "-HASH rendered"));
    strings(secret.path("data")).forEach((k, v) -> data.put(k, decode(v)));
    return data;
  }
}
