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

/**
 * An image builder pushing to the registry of {@code .ci/containers.sh} under a namespace of its
 * own, with helpers to run the images and read the registry; removes what it pushed and started.
 */
final class JobImagesFixture implements AutoCloseable {
  static final String NAMESPACE = "jobimages-test";
  static final String DEPLOYER = "alice";
  static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

  final Path tmp;
  final Containers containers;
  private final Builder builder;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> pushed = new ArrayList<>();
  private final List<String> started = new ArrayList<>();
  final List<String> log = new ArrayList<>();
  String lastContainer = "";
  private int builds;

  JobImagesFixture(Path tmp, Path dataDir) {
    this(tmp, dataDir, Plugins.discover());
  }

  /** An image builder with the given plugins (e.g. declarative job types from a store). */
  JobImagesFixture(Path tmp, Path dataDir, Plugins plugins) {
    this(tmp, dataDir, plugins, NAMESPACE);
  }

  /** An image builder pushing under {@code namespace} (a fresh one keeps registry caches cold). */
  JobImagesFixture(Path tmp, Path dataDir, Plugins plugins, String namespace) {
    this.tmp = tmp;
    containers = Containers.require();
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", dataDir.toString());
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    env.put("DOCKER_HOST", containers.dockerHost());
    env.put("DOCKER_REGISTRY", containers.registry());
    env.put("DOCKER_REGISTRY_NAMESPACE", namespace);
    env.put("DOCKER_REGISTRY_USERNAME", containers.registryUser());
    env.put("DOCKER_REGISTRY_PASSWORD", containers.registryPassword());
    env.put("DOCKER_REGISTRY_INSECURE", "true");
    env.put("PYTHON3_BASE_IMAGE", containers.pythonBase());
    env.put("JAVA_BASE_IMAGE", containers.javaBase());
    ImageBuilderConfig config = ImageBuilderConfig.fromEnv(env, "token");
    builder =
        new Builder(
            config,
            plugins,
            new SourceFetcher(BuildContext.Limits.DEFAULT),
            Clock.systemUTC(),
            new SimpleMeterRegistry(),
            Sandbox.none(),
            "test-version");
  }

  @Override
  public void close() throws Exception {
    for (String container : started) {
      docker("rm", "-f", container);
    }
    for (String image : pushed) {
      docker("rmi", "-f", image);
      String repository = image.substring(containers.registry().length() + 1, image.indexOf('@'));
      registry("DELETE", "/v2/" + repository + "/manifests/" + digestOf(image));
    }
  }

  // ---- building

  String buildImage(Path jobDir, Map<String, String> secrets) throws IOException {
    BuildResult result = tryBuild(jobDir, secrets);
    assertThat(result.error()).as(result.logs()).isNull();
    pushed.add(result.imageName());
    return result.imageName();
  }

  /** Removes {@code image} (pinned by digest) from the engine and the registry on close. */
  void removeOnClose(String image) {
    pushed.add(image);
  }

  /** Builds; the result may be a failure. */
  BuildResult tryBuild(Path jobDir, Map<String, String> secrets) throws IOException {
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
                BuildRequest.Output.IMAGE,
                DEPLOYER),
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
    return result;
  }

  static Map<String, Object> yaml(Path jobDir) throws IOException {
    return Json.yaml()
        .readValue(
            jobDir.resolve("job.yaml").toFile(),
            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  Path copyOf(Path dir) throws IOException {
    Path copy = tmp.resolve("src-" + dir.getFileName());
    dev.racetrack.spi.BuildTools.copyTree(dir, copy, p -> false);
    return copy;
  }

  // ---- running

  String callPerform(String image, String jobName) throws Exception {
    return perform(start(image, jobName));
  }

  /** Starts the image as the platform would (host network, PORT); returns the port. */
  int start(String image, String jobName) throws Exception {
    int port = FreePort.find();
    String name = "jobimages-test-" + jobName + "-" + port;
    started.add(name);
    lastContainer = name;
    String callSecret = callSecret(port);
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
    return port;
  }

  private static String callSecret(int port) {
    return "call-secret-" + port;
  }

  /** The secret a job started by {@link #start} expects from its callers. */
  String callSecretOf(int port) {
    return callSecret(port);
  }

  /** Calls perform with [1, 2] once the job answers; returns the answer. */
  String perform(int port) throws Exception {
    String callSecret = callSecret(port);
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

  /** Resident set size (kB) of a container's main process, from /proc (same host). */
  long rssKb(String container) throws Exception {
    String pid = run(List.of("docker", "inspect", "-f", "{{.State.Pid}}", container)).strip();
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + container);
  }

  Path dockerConfig() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("docker-config"));
    String auth = containers.registryAuthorization().substring("Basic ".length());
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"" + containers.registry() + "\":{\"auth\":\"" + auth + "\"}}}");
    return dir;
  }

  void docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    run(command);
  }

  String run(List<String> command) throws Exception {
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().put("DOCKER_HOST", containers.dockerHost());
    Process p = process.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  // ---- registry

  String repository(String image) {
    return image.substring(containers.registry().length() + 1, image.indexOf('@'));
  }

  static String digestOf(String image) {
    return image.substring(image.indexOf('@') + 1);
  }

  JsonNode manifest(String image) throws Exception {
    return Json.mapper()
        .readTree(registryText("/v2/" + repository(image) + "/manifests/" + digestOf(image)));
  }

  String configDigest(String image) throws Exception {
    return manifest(image).at("/config/digest").asText();
  }

  JsonNode config(String image) throws Exception {
    return Json.mapper()
        .readTree(registryText("/v2/" + repository(image) + "/blobs/" + configDigest(image)));
  }

  List<String> layers(String image) throws Exception {
    List<String> digests = new ArrayList<>();
    manifest(image).get("layers").forEach(l -> digests.add(l.get("digest").asText()));
    return digests;
  }

  /** Every file name, link target and content of a layer, as text. */
  String layerText(String image, String digest) throws Exception {
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

  String registryText(String path) throws Exception {
    return new String(registryBytes(path), StandardCharsets.UTF_8);
  }

  byte[] registryBytes(String path) throws Exception {
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
