package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.kubernetes.ClusterFixture;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Containers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code move} between the two image targets, Docker and Kubernetes, on a platform with both: the
 * python adder is built for real by the image builder with the engine, pushed to the registry and
 * run on the Docker target (called through PUB); it moves to the Kubernetes target (fabric8's mock
 * API server with the kubelet stand-in of {@link ClusterFixture}) with the same image, nothing
 * rebuilt, and its container leaves the engine; it moves back to Docker, again without a build, and
 * answers through PUB again while the cluster holds nothing of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerKubernetesMoveIT {
  private static final String TARGET = "srv-dkm-" + ProcessHandle.current().pid();
  private static final String JOB = "/api/v1/job/python-adder/0.0.1";
  private static final Path SAMPLES = Path.of("..", "samples");

  @TempDir static Path home;
  private Containers env;
  private ClusterFixture cluster;
  private PlatformFixture platform;

  @BeforeAll
  void start() {
    env = Containers.require();
    cluster = new ClusterFixture();
    Map<String, String> extra = new HashMap<>();
    extra.put("DOCKER_HOST", env.dockerHost());
    extra.put("DOCKER_REGISTRY", env.registry());
    extra.put("DOCKER_REGISTRY_USERNAME", env.registryUser());
    extra.put("DOCKER_REGISTRY_PASSWORD", env.registryPassword());
    extra.put("DOCKER_REGISTRY_NAMESPACE", "srv-dkm");
    extra.put("DOCKER_TARGET_NETWORK", "host");
    extra.put("DOCKER_REGISTRY_INSECURE", "true");
    extra.put("PYTHON3_BASE_IMAGE", env.pythonBase());
    extra.put("INFRASTRUCTURE_TARGET", TARGET);
    extra.put("KUBERNETES_POLL_MILLIS", "20");
    platform =
        new PlatformFixture(
            home,
            extra,
            new Plugins(
                List.of(new Python3JobType()),
                List.of(
                    new DockerInfrastructurePlugin(TARGET),
                    new LocalInfrastructurePlugin("local"),
                    cluster.plugin())));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close(); // deletes the job, wherever it runs
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private JsonNode move(String target) {
    HttpResponse<String> accepted =
        platform.post(JOB + "/move", Map.of("infrastructure_target", target));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    JsonNode done = platform.awaitDeployment(json(accepted.body()).path("id").asText());
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    return done;
  }

  private JsonNode job() {
    return json(platform.get(JOB).body());
  }

  /** The engine's containers (the job's and a relay's, if any) of this test's Docker target. */
  private int dockerContainers() throws Exception {
    try (DockerClient docker =
        DockerInfrastructurePlugin.client(
            DockerConfig.fromEnv(Map.of("DOCKER_HOST", env.dockerHost())))) {
      return docker
          .listContainersCmd()
          .withShowAll(true)
          .withLabelFilter(Map.of("racetrack/infrastructure-target", TARGET))
          .exec()
          .size();
    }
  }

  /** The newest build log lifecycle keeps for the job: a reused image leaves the last build's. */
  private String buildLogs() {
    return json(platform.get(JOB + "/build-logs").body()).path("logs").asText();
  }

  private String add(String numbers) {
    HttpResponse<String> answer =
        platform.perform("python-adder", "0.0.1", "{\"numbers\": " + numbers + "}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body().strip();
  }

  @Test
  void move_dockerToKubernetesAndBack_keepsTheImage_andRunsOnEachTargetAlone() throws Exception {
    Map<String, Object> manifest =
        Json.yaml()
            .readValue(
                SAMPLES.resolve("python-adder/job.yaml").toFile(),
                new TypeReference<Map<String, Object>>() {});
    manifest.put("infrastructure_target", TARGET);
    JsonNode deployed =
        platform.awaitDeployment(
            platform.deploy(
                manifest,
                Map.of("adder.py", Files.readString(SAMPLES.resolve("python-adder/adder.py"))),
                Map.of()));
    assertThat(deployed.path("status").asText()).as(deployed.toString()).isEqualTo("done");
    String image = deployed.path("image_name").asText();
    assertThat(image).startsWith(env.registry() + "/srv-dkm/job-entrypoint/python-adder@sha256:");
    assertThat(add("[40, 2]")).isEqualTo("42");
    assertThat(dockerContainers()).isPositive();
    String builtLogs = buildLogs();
    assertThat(builtLogs).isNotBlank();

    // docker -> kubernetes: the image runs there as it is
    JsonNode toCluster = move("kubernetes");
    assertThat(toCluster.path("image_name").asText()).isEqualTo(image);
    assertThat(buildLogs()).as("nothing was built for the move").isEqualTo(builtLogs);
    assertThat(cluster.jobImages()).containsExactly(Map.entry("job-python-adder-v-0-0-1", image));
    assertThat(job().path("infrastructure_target").asText()).isEqualTo("kubernetes");
    assertThat(job().path("internal_name").asText())
        .isEqualTo(
            "job-python-adder-v-0-0-1." + ClusterFixture.NAMESPACE + ".svc.cluster.local:7000");
    assertThat(dockerContainers()).as("the container left the engine").isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> job().path("status").asText().equals("running"));

    // kubernetes -> docker: the same image again, still nothing built
    JsonNode back = move(TARGET);
    assertThat(back.path("image_name").asText()).isEqualTo(image);
    assertThat(buildLogs()).isEqualTo(builtLogs);
    assertThat(job().path("infrastructure_target").asText()).isEqualTo(TARGET);
    assertThat(cluster.jobImages()).as("the Deployment left the cluster").isEmpty();
    assertThat(cluster.jobServicesAndSecrets()).as("and its Service and Secrets").isZero();
    assertThat(dockerContainers()).isPositive();
    assertThat(add("[1, 2]")).isEqualTo("3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> job().path("status").asText().equals("running"));
  }
}
