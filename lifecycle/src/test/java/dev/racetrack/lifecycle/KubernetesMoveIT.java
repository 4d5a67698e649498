package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.kubernetes.ClusterFixture;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code move} to and from the Kubernetes target through lifecycle's API, with real targets: the
 * local target (a python job in its sandbox) and the Kubernetes target on fabric8's mock API server
 * with the kubelet stand-in of {@link ClusterFixture}. As in the server's Docker-to-local move
 * test, the move between a process target and an image target rebuilds the job: the image builder
 * here is a stand-in that builds the python artifact for the local target for real (the python3 job
 * type) and answers an image build with a digest-pinned reference, since no registry or engine is
 * needed for the mock cluster's pods.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesMoveIT {
  private static final String IMAGE =
      "registry.example/racetrack/job-entrypoint/mover@sha256:" + "ab".repeat(32);
  private static final String JOB = "/api/v1/job/mover/0.0.1";

  @TempDir Path tmp;
  private ClusterFixture cluster;
  private FakeImageBuilderFixture builder;
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    Tools.require("bwrap");
    cluster = new ClusterFixture();
    builder = new FakeImageBuilderFixture(this::artifact);
    lifecycle =
        new LifecycleFixture(
            Map.of(
                "IMAGE_BUILDER_URL", builder.url(),
                "KUBERNETES_POLL_MILLIS", "20",
                "SUPERVISOR_INTERVAL_SECONDS", "0.2",
                "PATH", System.getenv("PATH"),
                "HOME", System.getProperty("user.home")),
            new Plugins(
                List.of(new Python3JobType()),
                List.of(new LocalInfrastructurePlugin(), cluster.plugin())));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    if (lifecycle != null) {
      // the job left on a target: the local one runs a process
      lifecycle.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(lifecycle.url(JOB)))
              .header("X-Racetrack-Auth", admin)
              .DELETE());
      lifecycle.close();
    }
    if (builder != null) {
      builder.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** What the stand-in image builder answers: a real local artifact, or an image reference. */
  private String artifact(JsonNode request) {
    if ("image".equals(request.path("output").asText())) {
      return IMAGE;
    }
    try {
      Map<String, Object> raw =
          Json.mapper()
              .convertValue(request.path("manifest"), new TypeReference<Map<String, Object>>() {});
      Manifest manifest = new ManifestValidator().validate(raw, "job.yaml").manifest();
      Path source = Files.createDirectories(tmp.resolve("src-" + System.nanoTime()));
      Files.writeString(
          source.resolve("job.py"),
          "class Job:\n    def perform(self, numbers):\n        return sum(numbers)\n");
      Path artifact = Files.createDirectories(tmp.resolve("artifact-" + System.nanoTime()));
      Map<String, String> env =
          Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"));
      LaunchSpec spec =
          new Python3JobType()
              .buildLocal(
                  new JobBuild(
                      manifest,
                      source,
                      artifact,
                      Map.of(),
                      env,
                      BuildProgress.discard(),
                      Sandbox.create(
                          Sandbox.Mode.BWRAP,
                          List.of(lifecycle.dataDir()),
                          p -> Sandbox.onPath(System.getenv(), p))));
      Files.writeString(artifact.resolve("launch.json"), Json.write(spec));
      return artifact.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode awaitDone(HttpResponse<String> accepted) {
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String id = json(accepted.body()).path("id").asText();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                !List.of("in_progress", "building", "")
                    .contains(
                        json(lifecycle.get("/api/v1/deploy/" + id, admin).body())
                            .path("status")
                            .asText()));
    JsonNode deployment = json(lifecycle.get("/api/v1/deploy/" + id, admin).body());
    assertThat(deployment.path("status").asText()).as(deployment.toString()).isEqualTo("done");
    return deployment;
  }

  private HttpResponse<String> move(String target) {
    return lifecycle.post(JOB + "/move", Map.of("infrastructure_target", target), admin);
  }

  private JsonNode job() {
    return json(lifecycle.get(JOB, admin).body());
  }

  @Test
  void move_localToKubernetesAndBack_runsOnEachTargetAndLeavesThePreviousOne() {
    awaitDone(
        lifecycle.post(
            "/api/v1/deploy",
            Map.of(
                "manifest",
                Map.of(
                    "name", "mover",
                    "version", "0.0.1",
                    "owner_email", "dev@example.com",
                    "jobtype", "python3:latest",
                    "infrastructure_target", "local",
                    "git", Map.of("remote", "https://example.com/jobs"),
                    "jobtype_extra", Map.of("entrypoint_path", "job.py"))),
            admin));
    String localAddress = job().path("internal_name").asText();
    assertThat(localAddress).startsWith("127.0.0.1:");
    assertThat(cluster.jobImages()).isEmpty();

    // local -> kubernetes: a directory does not run there, so the job is built as an image
    JsonNode toCluster = awaitDone(move("kubernetes"));
    assertThat(toCluster.path("image_name").asText()).isEqualTo(IMAGE);
    assertThat(builder.requests().getLast().path("output").asText()).isEqualTo("image");
    assertThat(cluster.jobImages()).containsEntry("job-mover-v-0-0-1", IMAGE);
    JsonNode onCluster = job();
    assertThat(onCluster.path("infrastructure_target").asText()).isEqualTo("kubernetes");
    assertThat(onCluster.path("internal_name").asText())
        .isEqualTo("job-mover-v-0-0-1." + ClusterFixture.NAMESPACE + ".svc.cluster.local:7000");
    // the supervisor sees it running on the cluster, and the local process is gone
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> job().path("status").asText().equals("running"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !answers(localAddress));

    // kubernetes -> local: the image does not run as a process, so the job is rebuilt
    JsonNode back = awaitDone(move("local"));
    assertThat(back.path("image_name").asText()).startsWith(tmp.toString());
    assertThat(builder.requests().getLast().path("output").asText()).isEqualTo("directory");
    assertThat(job().path("infrastructure_target").asText()).isEqualTo("local");
    assertThat(job().path("internal_name").asText()).startsWith("127.0.0.1:");
    assertThat(cluster.jobImages()).as("the Deployment left the cluster").isEmpty();
    assertThat(cluster.jobServicesAndSecrets()).as("and its Service and Secrets").isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> job().path("status").asText().equals("running"));
  }

  /** Whether anything answers HTTP on {@code address} (the local job's port). */
  private boolean answers(String address) {
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      http.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + address + "/live"))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
