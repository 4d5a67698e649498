package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.Containers;
import dev.racetrack.testsupport.FreePort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job images against a real registry and Docker engine ({@code .ci/containers.sh}): the python and
 * java adder samples built into images, run with {@code docker run} and called; layers shared
 * between builds that differ in code only; build secrets absent from every layer and the config.
 */
class JobImagesIT {
  private static final String NAMESPACE = "jobimages-test";
  private static final String SECRET = "JOBIMAGES-SECRET-MARKER-7d41c2";
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

  @TempDir Path tmp;
  private Containers containers;
  private Builder builder;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> pushed = new ArrayList<>();
  private final List<String> started = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private int builds;

  @BeforeEach
  void setUp() {
    containers = Containers.require();
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", tmp.resolve("data").toString());
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    env.put("DOCKER_HOST", containers.dockerHost());
    env.put("DOCKER_REGISTRY", containers.registry());
    env.put("DOCKER_REGISTRY_NAMESPACE", NAMESPACE);
    env.put("DOCKER_REGISTRY_USERNAME", containers.registryUser());
    env.put("DOCKER_REGISTRY_PASSWORD", containers.registryPassword());
    env.put("DOCKER_REGISTRY_INSECURE", "true");
    env.put("PYTHON3_BASE_IMAGE", containers.pythonBase());
    env.put("JAVA_BASE_IMAGE", containers.javaBase());
    ImageBuilderConfig config = ImageBuilderConfig.fromEnv(env, "token");
    builder =
        new Builder(
            config,
            Plugins.discover(),
            new SourceFetcher(BuildContext.Limits.DEFAULT),
            Clock.systemUTC(),
            new SimpleMeterRegistry(),
            Sandbox.none(),
            "test-version");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String container : started) {
      docker("rm", "-f", container);
    }
    for (String image : pushed) {
      docker("rmi", "-f", image);
      String repository = image.substring(containers.registry().length() + 1, image.indexOf('@'));
      registry("DELETE", "/v2/" + repository + "/manifests/" + digestOf(image));
    }
  }

  @Test
  void build_pythonAdder_pushesAnImageByDigest_thatRunsAndAdds() throws Exception {
    String image = buildImage(SAMPLES.resolve("python-adder"), Map.of());

    assertThat(image)
        .startsWith(
            containers.registry() + "/" + NAMESPACE + "/job-entrypoint/python-adder@sha256:");
    JsonNode config = config(image);
    assertThat(config.at("/config/User").asText()).isEqualTo(JobImages.USER);
    assertThat(config.at("/config/Labels/racetrack.job.name").asText()).isEqualTo("python-adder");
    assertThat(config.at("/config/Labels/racetrack.job.version").asText()).isEqualTo("0.0.1");
    assertThat(config.at("/config/Labels/racetrack.platform.version").asText())
        .isEqualTo("test-version");
    assertThat(config.at("/config/Labels/org.opencontainers.image.revision").asText()).isNotBlank();
    assertThat(callPerform(image, "python-adder")).isEqualTo("3");
  }

  @Test
  void build_javaAdder_pushesAnImage_thatRunsOnTheJreBaseAndAdds() throws Exception {
    String image = buildImage(SAMPLES.resolve("java-adder"), Map.of());

    assertThat(image).contains("/job-entrypoint/java-adder@sha256:");
    assertThat(config(image).at("/config/User").asText()).isEqualTo(JobImages.USER);
    assertThat(callPerform(image, "java-adder")).isEqualTo("3.0");
  }

  @Test
  void build_twoBuildsDifferingInCodeOnly_shareAllLayersButTheLast() throws Exception {
    Path job = copyOf(SAMPLES.resolve("python-adder"));
    List<String> first = layers(buildImage(job, Map.of()));
    Files.writeString(
        job.resolve("adder.py"), Files.readString(job.resolve("adder.py")) + "\n# changed\n");
    List<String> second = layers(buildImage(job, Map.of()));

    assertThat(second).hasSameSizeAs(first);
    assertThat(second.subList(0, second.size() - 1)).isEqualTo(first.subList(0, first.size() - 1));
    assertThat(second.getLast()).isNotEqualTo(first.getLast());
  }

  @Test
  void build_withSecretBuildEnv_leavesTheSecretInNoLayerAndNotInTheConfig() throws Exception {
    Path job = copyOf(SAMPLES.resolve("python-adder"));
    // the dependency step runs with the secret in its environment
    Files.writeString(job.resolve("requirements.txt"), "# no requirements\n");
    Files.writeString(
        job.resolve("job.yaml"),
        Files.readString(job.resolve("job.yaml")) + "  requirements_path: requirements.txt\n");
    String image = buildImage(job, Map.of("PIP_SECRET_TOKEN", SECRET));

    assertThat(log).anyMatch(l -> l.contains("pip"));
    String config = registryText("/v2/" + repository(image) + "/blobs/" + configDigest(image));
    assertThat(config).doesNotContain(SECRET).contains("racetrack.job.name");
    List<String> layers = layers(image);
    for (String layer : layers) {
      assertThat(layerText(image, layer)).as("layer " + layer).doesNotContain(SECRET);
    }
    assertThat(String.join("\n", log)).doesNotContain(SECRET);
  }

  // ---- building

  private String buildImage(Path jobDir, Map<String, String> secrets) throws IOException {
    Map<String, Object> manifest = yaml(jobDir);
    String context =
        java.util.Base64.getEncoder().encodeToString(BuildContext.pack(jobDir, p -> true));
    BuildResult result =
        builder.build(
            new BuildRequest(
                "jobimages-" + (++builds),
                manifest,
                context,
                null,
                secrets,
                "t" + builds,
                List.of(),
                BuildRequest.Output.IMAGE),
            new BuildProgress() {
              @Override
              public void phase(String phase) {
                log.add("phase " + phase);
              }

              @Override
              public void warning(String warning) {
                log.add("warning " + warning);
              }

              @Override
              public void log(String line) {
                log.add(line);
              }
            });
    assertThat(result.error()).as(result.logs()).isNull();
    pushed.add(result.imageName());
    return result.imageName();
  }

  private static Map<String, Object> yaml(Path jobDir) throws IOException {
    return Json.yaml()
        .readValue(
            jobDir.resolve("job.yaml").toFile(),
            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  private Path copyOf(Path dir) throws IOException {
    Path copy = tmp.resolve("src-" + dir.getFileName());
    dev.racetrack.spi.BuildTools.copyTree(dir, copy, p -> false);
    return copy;
  }

  // ---- running

  private String callPerform(String image, String jobName) throws Exception {
    int port = FreePort.find();
    String name = "jobimages-test-" + jobName + "-" + port;
    started.add(name);
    String callSecret = "call-secret-" + port;
    Path dockerConfig = dockerConfig();
    run(
        List.of(
            "docker",
            "--config",
            dockerConfig.toString(),
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--read-only",
            "--tmpfs",
            "/tmp",
            "-e",
            "PORT=" + port,
            "-e",
            "JOB_HTTP_ADDR=127.0.0.1",
            "-e",
            "JOB_HTTP_PORT=" + port,
            "-e",
            "JOB_NAME=" + jobName,
            "-e",
            "JOB_VERSION=0.0.1",
            "-e",
            "RACETRACK_JOB_CALL_SECRET=" + callSecret,
            image));
    HttpRequest perform =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/perform"))
            .header("Content-Type", "application/json")
            .header("X-Racetrack-Job-Secret", callSecret)
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [1, 2]}"))
            .build();
    String[] answer = new String[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class)
        .untilAsserted(
            () -> {
              HttpResponse<String> response =
                  http.send(perform, HttpResponse.BodyHandlers.ofString());
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
              answer[0] = response.body().strip();
            });
    return answer[0];
  }

  private Path dockerConfig() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("docker-config"));
    String auth = containers.registryAuthorization().substring("Basic ".length());
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"" + containers.registry() + "\":{\"auth\":\"" + auth + "\"}}}");
    return dir;
  }

  private void docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    run(command);
  }

  private String run(List<String> command) throws Exception {
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().put("DOCKER_HOST", containers.dockerHost());
    Process p = process.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  // ---- registry

  private String repository(String image) {
    return image.substring(containers.registry().length() + 1, image.indexOf('@'));
  }

  private static String digestOf(String image) {
    return image.substring(image.indexOf('@') + 1);
  }

  private JsonNode manifest(String image) throws Exception {
    return Json.mapper()
        .readTree(registryText("/v2/" + repository(image) + "/manifests/" + digestOf(image)));
  }

  private String configDigest(String image) throws Exception {
    return manifest(image).at("/config/digest").asText();
  }

  private JsonNode config(String image) throws Exception {
    return Json.mapper()
        .readTree(registryText("/v2/" + repository(image) + "/blobs/" + configDigest(image)));
  }

  private List<String> layers(String image) throws Exception {
    List<String> digests = new ArrayList<>();
    manifest(image).get("layers").forEach(l -> digests.add(l.get("digest").asText()));
    return digests;
  }

  /** Every file name, link target and content of a layer, as text. */
  private String layerText(String image, String digest) throws Exception {
    byte[] blob = registryBytes("/v2/" + repository(image) + "/blobs/" + digest);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (InputStream gz = new GzipCompressorInputStream(new java.io.ByteArrayInputStream(blob));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        text.writeBytes(
            (entry.getName() + " " + entry.getLinkName() + "\n").getBytes(StandardCharsets.UTF_8));
        text.writeBytes(tar.readAllBytes());
      }
    }
    return text.toString(StandardCharsets.ISO_8859_1);
  }

  private String registryText(String path) throws Exception {
    return new String(registryBytes(path), StandardCharsets.UTF_8);
  }

  private byte[] registryBytes(String path) throws Exception {
    HttpResponse<byte[]> response = registry("GET", path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<byte[]> registry(String method, String path) throws Exception {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + containers.registry() + path))
                .header("Authorization", containers.registryAuthorization())
                .header(
                    "Accept",
                    "application/vnd.oci.image.manifest.v1+json,"
                        + "application/vnd.docker.distribution.manifest.v2+json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }
}
