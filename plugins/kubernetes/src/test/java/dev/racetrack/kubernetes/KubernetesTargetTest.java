package dev.racetrack.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.kubernetes.ClusterFixture.Behaviour;
import dev.racetrack.model.DeployRequest.GitCredentials;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesTargetTest {
  private static final String SECRET_VALUE = "s3cr3t-value-never-in-deployment";

  private ClusterFixture cluster;
  private KubernetesTarget target;

  @BeforeEach
  void start() {
    cluster = new ClusterFixture();
    target = newTarget();
  }

  @AfterEach
  void stop() {
    target.close();
    cluster.close();
  }

  private KubernetesTarget newTarget() {
    KubernetesConfig config =
        KubernetesConfig.fromEnv(
            Map.of(
                "KUBERNETES_NAMESPACE", ClusterFixture.NAMESPACE,
                "KUBERNETES_IMAGE_PULL_SECRETS", "pull-a, pull-b",
                "KUBERNETES_POLL_MILLIS", "20"));
    return new KubernetesTarget(
        "kubernetes", cluster.targetClient(), config, Clock.systemUTC(), a -> OptionalLong.of(42));
  }

  private static Manifest manifest(String name, String version, Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>(extra);
    raw.put("name", name);
    raw.put("version", version);
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private static JobProvision provision(Manifest manifest, long timestamp, Duration timeout) {
    return new JobProvision(
        manifest,
        "registry.example/job@sha256:abc",
        timestamp,
        Map.of("JOB_NAME", manifest.name(), "AUTH_TOKEN", "platform-token"),
        Map.of("GREETING", "hello"),
        Map.of("API_KEY", SECRET_VALUE),
        timeout);
  }

  private DeployedJob deploy(Manifest manifest, long timestamp) {
    return target.deploy(provision(manifest, timestamp, Duration.ofSeconds(10)), p -> {});
  }

  private Deployment deploymentOf(Manifest m) {
    return cluster
        .client
        .apps()
        .deployments()
        .withName(KubernetesNames.objectName(m.name(), m.version()))
        .get();
  }

  @Test
  void deploy_whenPodsBecomeReady_returnsTheServiceAddressAndDescribesTheJob() {
    Manifest m =
        manifest(
            "adder",
            "1.0.0",
            Map.of(
                "replicas",
                2,
                "resources",
                Map.of("memory_min", "100Mi", "memory_max", "200Mi", "cpu_max", "2")));
    List<String> phases = new CopyOnWriteArrayList<>();

    DeployedJob job = target.deploy(provision(m, 100, Duration.ofSeconds(10)), phases::add);

    assertThat(job.internalName())
        .isEqualTo("job-adder-v-1-0-0.racetrack-test.svc.cluster.local:7000");
    // two replicas, one address: PUB calls them through the Service, never by (stale) pod IPs
    assertThat(job.replicaInternalNames()).containsExactly(job.internalName());
    assertThat(job.stats()).containsEntry("replicas", 2);
    assertThat(phases).containsExactly("starting Job server", "initializing Job entrypoint");
    Deployment d = deploymentOf(m);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo("registry.example/job@sha256:abc");
    assertThat(c.getResources().getRequests().get("memory").toString()).isEqualTo("100Mi");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("200Mi");
    assertThat(c.getResources().getLimits().get("cpu").toString()).isEqualTo("2");
    assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("10m");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(pod.getImagePullSecrets()).extracting("name").containsExactly("pull-a", "pull-b");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    Service service = cluster.client.services().withName("job-adder-v-1-0-0").get();
    assertThat(service.getSpec().getSelector())
        .isEqualTo(Map.of(KubernetesNames.RESOURCE_LABEL, "job-adder-v-1-0-0"));
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    for (var labels :
        List.of(
            d.getMetadata().getLabels(),
            service.getMetadata().getLabels(),
            cluster
                .client
                .secrets()
                .withName("job-adder-v-1-0-0-env")
                .get()
                .getMetadata()
                .getLabels())) {
      assertThat(labels)
          .containsEntry("racetrack/job", "job-adder-v-1-0-0")
          .containsEntry("racetrack/job-name", "adder")
          .containsEntry("racetrack/job-version", "1.0.0");
    }
  }

  @Test
  void deploy_secretsGoToASecret_neverIntoTheDeployment() {
    Manifest m = manifest("keeper", "1.0.0", Map.of());

    deploy(m, 100);

    String deploymentJson = Json.write(deploymentOf(m));
    assertThat(deploymentJson).doesNotContain(SECRET_VALUE).doesNotContain("platform-token");
    Secret env = cluster.client.secrets().withName("job-keeper-v-1-0-0-env").get();
    assertThat(JobResources.decode(env))
        .containsEntry("API_KEY", SECRET_VALUE)
        .containsEntry("GREETING", "hello")
        .containsEntry("AUTH_TOKEN", "platform-token");
    assertThat(deploymentJson).contains("job-keeper-v-1-0-0-env");
  }

  @Test
  void deploy_whenTheImageCannotBePulled_failsWithThePullErrorAndLeavesNothing() {
    Manifest m = manifest("pully", "1.0.0", Map.of());
    cluster.behave("pully", Behaviour.IMAGE_PULL_FAILS);

    assertThatThrownBy(() -> deploy(m, 100))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("ImagePullBackOff")
        .hasMessageContaining("Failed to pull image");
    assertThat(deploymentOf(m)).isNull();
    assertThat(cluster.client.services().withLabel("racetrack/job-name", "pully").list().getItems())
        .isEmpty();
    assertThat(cluster.client.secrets().withLabel("racetrack/job-name", "pully").list().getItems())
        .isEmpty();
  }

  @Test
  void deploy_whenTheJobCrashLoops_failsWithTheCrashAndTheJobsLogs() {
    Manifest m = manifest("crashy", "1.0.0", Map.of());
    cluster.behave("crashy", Behaviour.CRASH_LOOP);
    cluster.podLog(
        "job-crashy-v-1-0-0-100-0", "Traceback (most recent call last):", "ZeroDivisionError");

    assertThatThrownBy(() -> deploy(m, 100))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("CrashLoopBackOff")
        .hasMessageContaining("Back-off restarting failed container")
        .hasMessageContaining("last exit code 1")
        .hasMessageContaining("ZeroDivisionError");
  }

  @Test
  void deploy_whenPodsCannotBeScheduled_failsAtTheDeadlineNamingTheScheduler() {
    Manifest m = manifest("huge", "1.0.0", Map.of());
    cluster.behave("huge", Behaviour.UNSCHEDULABLE);

    assertThatThrownBy(() -> target.deploy(provision(m, 100, Duration.ofMillis(500)), p -> {}))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("did not become ready within")
        .hasMessageContaining("FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.");
  }

  @Test
  void deploy_whenARedeploymentFails_keepsThePreviousDeploymentAndEnvironment() {
    Manifest m = manifest("steady", "1.0.0", Map.of());
    deploy(m, 100);
    cluster.behave("steady", Behaviour.CRASH_LOOP);

    assertThatThrownBy(() -> deploy(m, 200)).isInstanceOf(JobStartException.class);

    assertThat(deploymentOf(m).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(KubernetesNames.TIMESTAMP_LABEL, "100");
    assertThat(target.list())
        .singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(JobStatus.RUNNING));
  }

  @Test
  void list_byANewTargetInstance_adoptsRunningJobsAndReportsCrashes() {
    Manifest m = manifest("survivor", "2.1.0", Map.of());
    deploy(m, 100);
    target.close();

    target = newTarget();
    List<JobState> states = target.list();

    assertThat(states)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("survivor");
              assertThat(s.version()).isEqualTo("2.1.0");
              assertThat(s.status()).isEqualTo(JobStatus.RUNNING);
              assertThat(s.internalName())
                  .isEqualTo("job-survivor-v-2-1-0.racetrack-test.svc.cluster.local:7000");
              assertThat(s.lastCallTime()).hasValue(42);
            });

    cluster.crash(cluster.pods("job-survivor-v-2-1-0").getFirst());
    assertThat(target.list())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.status()).isEqualTo(JobStatus.ERROR);
              assertThat(s.error()).get().asString().contains("CrashLoopBackOff");
              assertThat(s.stats()).containsEntry("number_of_restarts", 3);
            });
  }

  @Test
  void delete_removesEveryLabelledObjectOfTheVersionOnly() {
    Manifest doomed = manifest("doomed", "1.0.0", Map.of());
    Manifest other = manifest("doomed", "2.0.0", Map.of());
    deploy(doomed, 100);
    deploy(other, 100);
    target.saveSecrets(
        "doomed", "1.0.0", new JobSecrets(Optional.empty(), Map.of(), Map.of("A", "b")));

    target.delete("doomed", "1.0.0");

    String object = KubernetesNames.objectName("doomed", "1.0.0");
    var c = cluster.client;
    assertThat(
            c.apps()
                .deployments()
                .withLabel(KubernetesNames.RESOURCE_LABEL, object)
                .list()
                .getItems())
        .isEmpty();
    assertThat(c.services().withLabel(KubernetesNames.RESOURCE_LABEL, object).list().getItems())
        .isEmpty();
    assertThat(c.secrets().withLabel(KubernetesNames.RESOURCE_LABEL, object).list().getItems())
        .isEmpty();
    assertThat(target.secrets("doomed", "1.0.0")).isEmpty();
    assertThat(target.list()).extracting(JobState::version).containsExactly("2.0.0");
  }

  @Test
  void secrets_savedByOneTargetInstance_areReadByAnother() {
    JobSecrets secrets =
        new JobSecrets(
            Optional.of(new GitCredentials("bob", "pw")),
            Map.of("PIP_TOKEN", "t"),
            Map.of("KEY", "v"));
    target.saveSecrets("vault", "1.0.0", secrets);
    target.close();

    target = newTarget();

    assertThat(target.secrets("vault", "1.0.0")).contains(secrets);
    assertThat(target.secrets("vault", "9.9.9")).isEmpty();
    Secret stored = cluster.client.secrets().withName("job-vault-v-1-0-0-secrets").get();
    assertThat(stored.getMetadata().getLabels()).containsKey("racetrack/job");
  }

  /**
   * docs/admin.md's backup of job secrets: {@code kubectl get secrets -l racetrack/job -o yaml},
   * restored into an empty namespace after dropping the fields the API server sets (the documented
   * {@code sed}), gives a new target the same secrets.
   */
  @Test
  void secrets_backedUpByLabelAsYaml_areRestoredIntoAnEmptyCluster() {
    JobSecrets secrets =
        new JobSecrets(
            Optional.of(new GitCredentials("bob", "pw")),
            Map.of("PIP_TOKEN", "t"),
            Map.of("KEY", "v"));
    deploy(manifest("kept", "1.0.0", Map.of()), 100);
    target.saveSecrets("kept", "1.0.0", secrets);
    String yaml =
        cluster
            .client
            .getKubernetesSerialization()
            .asYaml(
                new io.fabric8.kubernetes.api.model.SecretListBuilder()
                    .withItems(
                        cluster.client.secrets().withLabel("racetrack/job").list().getItems())
                    .build());
    assertThat(yaml).contains("resourceVersion:");
    String restorable =
        yaml.lines()
            .filter(l -> !l.matches("^ +(resourceVersion|uid|creationTimestamp):.*"))
            .collect(java.util.stream.Collectors.joining("\n"));
    target.close();
    cluster.close();

    cluster = new ClusterFixture();
    target = newTarget();
    assertThat(target.secrets("kept", "1.0.0")).isEmpty();
    cluster
        .client
        .load(new java.io.ByteArrayInputStream(restorable.getBytes(StandardCharsets.UTF_8)))
        .items()
        .forEach(
            item -> {
              assertThat(item.getMetadata().getResourceVersion()).isNull();
              cluster.client.resource(item).create();
            });

    assertThat(target.secrets("kept", "1.0.0")).contains(secrets);
    assertThat(cluster.client.secrets().withName("job-kept-v-1-0-0-env").get())
        .as("the job's environment Secret is in the backup too")
        .isNotNull();
  }

  @Test
  void logs_recentAndFollow_comeFromThePodsThroughTheApi() throws Exception {
    Manifest m = manifest("chatty", "1.0.0", Map.of());
    deploy(m, 100);
    String pod = cluster.pods("job-chatty-v-1-0-0").getFirst().getMetadata().getName();
    cluster.podLog(pod, "one", "two", "three");

    assertThat(target.recentLogs("chatty", "1.0.0", 2)).isEqualTo("two\nthree\n");
    List<String> followed = new CopyOnWriteArrayList<>();
    try (Closeable follow = target.followLogs("chatty", "1.0.0", 0, followed::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> followed.size() == 3);
    }
    assertThat(followed).containsExactly("one", "two", "three");
  }

  @Test
  void apiAccess_overAJobsWholeLife_isExactlyWhatTheRbacConstantDeclares() {
    Manifest m = manifest("audited", "1.0.0", Map.of());
    deploy(m, 100);
    deploy(m, 200);
    target.list();
    target.saveSecrets("audited", "1.0.0", JobSecrets.none());
    target.secrets("audited", "1.0.0");
    target.recentLogs("audited", "1.0.0", 5);
    cluster.behave("audited", Behaviour.CRASH_LOOP);
    assertThatThrownBy(() -> deploy(m, 300)).isInstanceOf(JobStartException.class);
    target.delete("audited", "1.0.0");

    Set<String> declared = new HashSet<>();
    for (ApiAccess a : ApiAccess.REQUIRED) {
      a.verbs().forEach(v -> declared.add(a.apiGroup() + "|" + a.resource() + "|" + v));
    }
    Set<String> used = new HashSet<>(cluster.accessUsed());
    assertThat(declared).containsExactlyInAnyOrderElementsOf(used);
  }

  @Test
  void apiAccess_ofTheStatusSync_isExactlyWhatTheSupervisorsRoleDeclares() {
    deploy(manifest("watched", "1.0.0", Map.of()), 100);
    cluster.requests.clear();

    target.list();

    Set<String> declared = new HashSet<>();
    for (ApiAccess a : ApiAccess.STATUS_SYNC) {
      a.verbs().forEach(v -> declared.add(a.apiGroup() + "|" + a.resource() + "|" + v));
    }
    assertThat(declared).containsExactlyInAnyOrderElementsOf(Set.copyOf(cluster.accessUsed()));
  }

  @Test
  void objectName_whenTheResourceNameIsLong_staysADnsLabelAndDistinct() {
    String a = KubernetesNames.objectName("a".repeat(60), "1.0.0");
    String b = KubernetesNames.objectName("a".repeat(60), "1.0.1");
    assertThat(a).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(a).isNotEqualTo(b);
  }
}
