package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import dev.racetrack.docker.ContainerJobTypes;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Containers;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two container job types deployed through lifecycle onto the Docker target of the container
 * test environment, called through PUB: the {@code dockerfile-job} sample (built by the image
 * builder with the engine, pushed, run by digest) and the {@code prebuilt-image} sample (an image
 * pushed beforehand, pinned to its digest, nothing built).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerJobsIT {
  private static final String TARGET = "srv-dk-" + ProcessHandle.current().pid();
  private static final Path SAMPLES = Path.of("..", "samples");

  @TempDir static Path home;
  private Containers env;
  private PlatformFixture platform;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    env = Containers.require();
    Map<String, String> extra = new HashMap<>(dockerEnv());
    extra.put("INFRASTRUCTURE_TARGET", TARGET);
    platform =
        new PlatformFixture(
            home,
            extra,
            new Plugins(
                List.of(
                    new ContainerJobTypes.Dockerfile(),
                    new ContainerJobTypes.PrebuiltImage(),
                    new Python3JobType()),
                List.of(
                    new DockerInfrastructurePlugin(TARGET),
                    new LocalInfrastructurePlugin("local"))));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private Map<String, String> dockerEnv() {
    return Map.of(
        "DOCKER_HOST", env.dockerHost(),
        "DOCKER_REGISTRY", env.registry(),
        "DOCKER_REGISTRY_USERNAME", env.registryUser(),
        "DOCKER_REGISTRY_PASSWORD", env.registryPassword(),
        "DOCKER_REGISTRY_NAMESPACE", "srv-it",
        "DOCKER_TARGET_NETWORK", "host",
        "DOCKER_REGISTRY_INSECURE", "true",
        "PYTHON3_BASE_IMAGE", env.pythonBase());
  }

  private static Map<String, Object> sampleManifest(String sample) throws Exception {
    Map<String, Object> manifest =
        Json.yaml()
            .readValue(
                SAMPLES.resolve(sample).resolve("job.yaml").toFile(),
                new TypeReference<Map<String, Object>>() {});
    manifest.put("infrastructure_target", TARGET);
    return manifest;
  }

  private static Map<String, String> files(String sample, String... names) throws Exception {
    Map<String, String> files = new HashMap<>();
    for (String name : names) {
      files.put(name, Files.readString(SAMPLES.resolve(sample).resolve(name)));
    }
    return files;
  }

  private JsonNode deploy(Map<String, Object> manifest, Map<String, String> files) {
    JsonNode done = platform.awaitDeployment(platform.deploy(manifest, files, Map.of()));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    return done;
  }

  private String internalName(String name, String version) {
    return json(platform.get("/api/v1/job/" + name + "/" + version).body())
        .path("internal_name")
        .asText();
  }

  /**
   * A job without the platform's wrapper runs behind a relay (the default {@code
   * DOCKER_TARGET_RELAY=auto}): its address is the relay's Unix socket, in a directory only the
   * platform's user may enter, and nothing listens on its port outside its own network namespace.
   */
  private void assertReachableOnlyThroughItsRelay(String name, int port) throws Exception {
    String internal = internalName(name, "0.0.1");
    assertThat(internal).startsWith("unix:");
    Path socket = Path.of(internal.substring("unix:".length()));
    assertThat(Files.getPosixFilePermissions(socket.getParent().getParent()))
        .containsExactlyInAnyOrder(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE);
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .as("nothing listens on the job's port outside its namespace")
        .isInstanceOf(ConnectException.class);
  }

  /** Calls the job on its own port, as any process on the machine could, without the secret. */
  private int directCall(String name, String version) throws Exception {
    String internal = internalName(name, version);
    assertThat(internal).startsWith("127.0.0.1:");
    return http.send(
            HttpRequest.newBuilder(URI.create("http://" + internal + "/api/v1/perform"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [1]}"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void dockerfileSample_isBuiltPushedAndServedThroughPubOnly() throws Exception {
    Map<String, Object> manifest = sampleManifest("dockerfile-job");
    manifest.put("build_env", Map.of("BASE", env.pythonBase()));

    long start = System.nanoTime();
    JsonNode done = deploy(manifest, files("dockerfile-job", "Dockerfile", "server.py"));

    assertThat(done.path("image_name").asText())
        .startsWith(env.registry() + "/srv-it/job-dockerfile/dockerfile-job@sha256:");
    HttpResponse<String> answer =
        platform.perform("dockerfile-job", "0.0.1", "{\"numbers\": [40, 2]}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body().strip()).isEqualTo("42");
    System.out.printf(
        "BENCHMARK dockerfile-job: deploy request to first 200 through PUB: %.2f s%n",
        (System.nanoTime() - start) / 1e9);
    assertReachableOnlyThroughItsRelay("dockerfile-job", 7000);
  }

  @Test
  void pythonAdder_isBuiltAsAJobImage_runsOnTheDockerTarget_andMovesToTheLocalTarget()
      throws Exception {
    Map<String, Object> manifest = sampleManifest("python-adder");

    long start = System.nanoTime();
    JsonNode done = deploy(manifest, files("python-adder", "adder.py"));

    assertThat(done.path("image_name").asText())
        .startsWith(env.registry() + "/srv-it/job-entrypoint/python-adder@sha256:");
    HttpResponse<String> answer =
        platform.perform("python-adder", "0.0.1", "{\"numbers\": [40, 2]}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body().strip()).isEqualTo("42");
    System.out.printf(
        "BENCHMARK python-adder on the docker target: deploy request to first 200 through PUB:"
            + " %.2f s%n",
        (System.nanoTime() - start) / 1e9);
    assertThat(directCall("python-adder", "0.0.1")).isEqualTo(401);
    long again = System.nanoTime();
    JsonNode redeployed =
        platform.awaitDeployment(
            json(platform.post("/api/v1/job/python-adder/0.0.1/redeploy", Map.of()).body())
                .path("id")
                .asText());
    assertThat(redeployed.path("status").asText()).as(redeployed.toString()).isEqualTo("done");
    assertThat(redeployed.path("image_name").asText())
        .as("an unchanged redeploy rebuilds the same image")
        .isEqualTo(done.path("image_name").asText());
    assertThat(platform.perform("python-adder", "0.0.1", "{\"numbers\": [2, 2]}").body().strip())
        .isEqualTo("4");
    System.out.printf(
        "BENCHMARK python-adder on the docker target: unchanged redeploy to first 200: %.2f s%n",
        (System.nanoTime() - again) / 1e9);

    // the image cannot run as a local process: the move rebuilds the job for the local target
    JsonNode move =
        platform.awaitDeployment(
            json(platform
                    .post(
                        "/api/v1/job/python-adder/0.0.1/move",
                        Map.of("infrastructure_target", "local"))
                    .body())
                .path("id")
                .asText());
    assertThat(move.path("status").asText()).as(move.toString()).isEqualTo("done");
    assertThat(
            json(platform.get("/api/v1/job/python-adder/0.0.1").body())
                .path("infrastructure_target")
                .asText())
        .isEqualTo("local");
    assertThat(platform.perform("python-adder", "0.0.1", "{\"numbers\": [1, 2]}").body().strip())
        .isEqualTo("3");
  }

  @Test
  void prebuiltImageSample_isPinnedToItsDigestAndServedThroughPub() throws Exception {
    String image = env.registry() + "/srv-it/prebuilt-adder:1.0";
    pushSampleImage(image);
    Map<String, Object> manifest = sampleManifest("prebuilt-image");
    manifest.put("jobtype_extra", Map.of("image", image));

    JsonNode done = deploy(manifest, Map.of("README", "nothing to build"));

    assertThat(done.path("image_name").asText())
        .startsWith(env.registry() + "/srv-it/prebuilt-adder@sha256:");
    HttpResponse<String> answer =
        platform.perform("prebuilt-image", "0.0.1", "{\"numbers\": [1, 2]}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body().strip()).isEqualTo("3");
    assertReachableOnlyThroughItsRelay("prebuilt-image", 7000);

    // a move to the local target needs an artifact directory: the job is rebuilt for it (and
    // this job type cannot be), instead of handing the image reference to the local target
    JsonNode move =
        platform.awaitDeployment(
            json(platform
                    .post(
                        "/api/v1/job/prebuilt-image/0.0.1/move",
                        Map.of("infrastructure_target", "local"))
                    .body())
                .path("id")
                .asText());
    assertThat(move.path("status").asText()).isEqualTo("failed");
    assertThat(move.path("error").asText())
        .contains("runs only on a container infrastructure target");
    assertThat(platform.perform("prebuilt-image", "0.0.1", "{\"numbers\": [2]}").body().strip())
        .isEqualTo("2");
  }

  /** Builds the dockerfile sample as an image and pushes it under a tag, as a team would. */
  private void pushSampleImage(String image) throws Exception {
    AuthConfig auth =
        new AuthConfig()
            .withRegistryAddress(env.registry())
            .withUsername(env.registryUser())
            .withPassword(env.registryPassword());
    AuthConfigurations auths = new AuthConfigurations();
    auths.addConfig(auth);
    try (DockerClient docker =
        DockerInfrastructurePlugin.client(DockerConfig.fromEnv(dockerEnv()))) {
      docker
          .buildImageCmd(SAMPLES.resolve("dockerfile-job").toFile())
          .withBuildArg("BASE", env.pythonBase())
          .withBuildAuthConfigs(auths)
          .withNetworkMode("host")
          .withTags(Set.of(image))
          .start()
          .awaitImageId(5, TimeUnit.MINUTES);
      docker
          .pushImageCmd(image.substring(0, image.lastIndexOf(':')))
          .withTag("1.0")
          .withAuthConfig(auth)
          .start()
          .awaitCompletion(5, TimeUnit.MINUTES);
      docker.removeImageCmd(image).withForce(true).exec();
    }
  }
}
