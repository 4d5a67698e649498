package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code move} to and from the Kubernetes target through lifecycle's API, on the platform with real
 * targets, as {@link DockerJobsIT} moves a job from Docker to local: the local target (a python job
 * in its sandbox, called through PUB) and the Kubernetes target on fabric8's mock API server with
 * the kubelet stand-in of {@link ClusterFixture}. A move between a process target and an image
 * target rebuilds the job, so lifecycle's image builder is a stand-in here: it builds the python
 * artifact for the local target for real (the python3 job type) and answers an image build with a
 * digest-pinned reference, which the mock cluster's pods need no registry or engine for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesMoveIT {
  private static final String IMAGE =
      "registry.example/racetrack/job-entrypoint/mover@sha256:" + "ab".repeat(32);
  private static final String JOB = "/api/v1/job/mover/0.0.1";

  @TempDir static Path home;
  private ClusterFixture cluster;
  private HttpServer builder;
  private final List<String> outputs = new CopyOnWriteArrayList<>();
  private PlatformFixture platform;

  @BeforeAll
  void start() throws IOException {
    Tools.require("bwrap");
    cluster = new ClusterFixture();
    builder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    builder.createContext("/api/v1/build/sse", this::build);
    builder.start();
    platform =
        new PlatformFixture(
            home,
            Map.of(
                "IMAGE_BUILDER_URL",
                "http://127.0.0.1:" + builder.getAddress().getPort(),
                "KUBERNETES_POLL_MILLIS",
                "20"),
            new Plugins(
                List.of(new Python3JobType()),
                List.of(new LocalInfrastructurePlugin("local"), cluster.plugin())));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close(); // deletes the job, wherever it runs
    }
    if (builder != null) {
      builder.stop(0);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The stand-in image builder: one SSE result per build request. */
  private void build(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request = Json.mapper().readTree(exchange.getRequestBody());
      String output = request.path("output").asText();
      outputs.add(output);
      String artifact = "image".equals(output) ? IMAGE : localArtifact(request.path("manifest"));
      byte[] body =
          ("event: result\ndata: "
                  + Json.mapper()
                      .writeValueAsString(
                          Map.of("image_name", artifact, "logs", "", "warnings", List.of()))
                  + "\n\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A real artifact directory of a python adder, as the image builder makes for local. */
  private String localArtifact(JsonNode manifestJson) throws IOException {
    Map<String, Object> raw =
        Json.mapper().convertValue(manifestJson, new TypeReference<Map<String, Object>>() {});
    Manifest manifest = new ManifestValidator().validate(raw, "job.yaml").manifest();
    Path source = Files.createDirectories(home.resolve("src-" + System.nanoTime()));
    Files.writeString(
        source.resolve("job.py"),
        "class Job:\n    def perform(self, numbers):\n        return sum(numbers)\n");
    Path artifact = Files.createDirectories(home.resolve("artifact-" + System.nanoTime()));
    LaunchSpec spec =
        new Python3JobType()
            .buildLocal(
                new JobBuild(
                    manifest,
                    source,
                    artifact,
                    Map.of(),
                    Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")),
                    BuildProgress.discard(),
                    Sandbox.create(
                        Sandbox.Mode.BWRAP,
                        List.of(platform.dataDir()),
                        p -> Sandbox.onPath(System.getenv(), p))));
    Files.writeString(artifact.resolve("launch.json"), Json.write(spec));
    return artifact.toString();
  }

  private JsonNode done(String deploymentId) {
    JsonNode deployment = platform.awaitDeployment(deploymentId);
    assertThat(deployment.path("status").asText()).as(deployment.toString()).isEqualTo("done");
    return deployment;
  }

  private JsonNode move(String target) {
    HttpResponse<String> accepted =
        platform.post(JOB + "/move", Map.of("infrastructure_target", target));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    return done(json(accepted.body()).path("id").asText());
  }

  private JsonNode job() {
    return json(platform.get(JOB).body());
  }

  @Test
  void move_localToKubernetesAndBack_runsOnEachTargetAndLeavesThePreviousOne() {
    done(
        platform.deploy(
            Map.of(
                "name", "mover",
                "version", "0.0.1",
                "owner_email", "dev@example.com",
                "jobtype", "python3:latest",
                "infrastructure_target", "local",
                "git", Map.of("remote", "https://example.com/jobs"),
                "jobtype_extra", Map.of("entrypoint_path", "job.py")),
            Map.of("job.py", "# built by the stand-in image builder\n"),
            Map.of()));
    String localAddress = job().path("internal_name").asText();
    assertThat(localAddress).startsWith("127.0.0.1:");
    assertThat(platform.perform("mover", "0.0.1", "{\"numbers\": [40, 2]}").body().strip())
        .isEqualTo("42");
    assertThat(cluster.jobImages()).isEmpty();

    // local -> kubernetes: a directory does not run there, so the job is built as an image
    JsonNode toCluster = move("kubernetes");
    assertThat(toCluster.path("image_name").asText()).isEqualTo(IMAGE);
    assertThat(outputs).containsExactly("directory", "image");
    assertThat(cluster.jobImages()).containsExactly(Map.entry("job-mover-v-0-0-1", IMAGE));
    assertThat(job().path("infrastructure_target").asText()).isEqualTo("kubernetes");
    assertThat(job().path("internal_name").asText())
        .isEqualTo("job-mover-v-0-0-1." + ClusterFixture.NAMESPACE + ".svc.cluster.local:7000");
    // the supervisor sees it running on the cluster; the local process is gone
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> job().path("status").asText().equals("running"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !answers(localAddress));

    // kubernetes -> local: an image does not run as a process, so the job is rebuilt
    JsonNode back = move("local");
    assertThat(back.path("image_name").asText()).startsWith(home.toString());
    assertThat(outputs).containsExactly("directory", "image", "directory");
    assertThat(job().path("infrastructure_target").asText()).isEqualTo("local");
    assertThat(job().path("internal_name").asText()).startsWith("127.0.0.1:");
    assertThat(cluster.jobImages()).as("the Deployment left the cluster").isEmpty();
    assertThat(cluster.jobServicesAndSecrets()).as("and its Service and Secrets").isZero();
    assertThat(platform.perform("mover", "0.0.1", "{\"numbers\": [1, 2]}").body().strip())
        .isEqualTo("3");
  }

  /** Whether anything answers HTTP on {@code address} (the local job's port). */
  private static boolean answers(String address) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      http.send(
          HttpRequest.newBuilder(URI.create("http://" + address + "/live"))
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
