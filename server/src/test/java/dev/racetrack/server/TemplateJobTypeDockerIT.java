package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Containers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A declarative job type installed at runtime on a platform running the Docker target: the shell
 * job type sample is bundled and installed through the CLI, the shell-hello sample is built from
 * the rendered template by the image builder with the engine, runs on the Docker target and answers
 * through PUB only, beside a job of a second version of the job type; after its job type version is
 * uninstalled the job keeps running with the "obsolete job type" notice and a redeploy is refused
 * naming the installed versions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateJobTypeDockerIT {
  private static final String TARGET = "srv-tpl-" + ProcessHandle.current().pid();
  private static final String NAMESPACE = "srv-tpl-it";
  private static final Path SAMPLES = Path.of("..", "samples");

  @TempDir static Path home;
  private Containers env;
  private Map<String, String> dockerEnv = Map.of();
  private PlatformFixture platform;

  @BeforeAll
  void start() {
    env = Containers.require();
    Map<String, String> extra = new HashMap<>();
    dockerEnv = Map.of("DOCKER_HOST", env.dockerHost());
    extra.put("DOCKER_HOST", env.dockerHost());
    extra.put("DOCKER_REGISTRY", env.registry());
    extra.put("DOCKER_REGISTRY_USERNAME", env.registryUser());
    extra.put("DOCKER_REGISTRY_PASSWORD", env.registryPassword());
    extra.put("DOCKER_REGISTRY_NAMESPACE", NAMESPACE);
    extra.put("DOCKER_TARGET_NETWORK", "host");
    extra.put("PYTHON3_BASE_IMAGE", env.pythonBase()); // the relays' image: the hub is out of reach
    extra.put("DOCKER_REGISTRY_INSECURE", "true");
    extra.put("INFRASTRUCTURE_TARGET", TARGET);
    platform =
        new PlatformFixture(
            home,
            extra,
            new Plugins(
                List.of(),
                List.of(
                    new DockerInfrastructurePlugin(TARGET),
                    new LocalInfrastructurePlugin("local"))));
    InProcessCli login =
        InProcessCli.login(home, platform, "admin", PlatformFixture.ADMIN_PASSWORD);
    assertThat(login.exitCode()).as(login.toString()).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    if (platform != null) {
      platform.delete("/api/v1/job/shell-hello/0.0.1"); // removes the job's container
      platform.delete("/api/v1/job/shell-hello/0.0.2");
      platform.close();
    }
    if (env != null) {
      removeBuiltImages();
    }
  }

  /** Removes the images the engine kept after building and pushing them. */
  private void removeBuiltImages() throws Exception {
    try (DockerClient docker = DockerInfrastructurePlugin.client(DockerConfig.fromEnv(dockerEnv))) {
      String repository = env.registry() + "/" + NAMESPACE + "/job-template/shell-hello";
      for (Image image : docker.listImagesCmd().withReferenceFilter(repository).exec()) {
        docker.removeImageCmd(image.getId()).withForce(true).exec();
      }
    }
  }

  private InProcessCli cli(String stdin, String... args) {
    return InProcessCli.run(home, stdin, args);
  }

  private Path bundleShellJobType(String version) throws Exception {
    Path out = Files.createTempDirectory(home, "bundle");
    InProcessCli bundled =
        cli(
            "",
            "plugin",
            "bundle",
            SAMPLES.resolve("plugins/shell-job-type").toString(),
            "--out",
            out.toString(),
            "--plugin-version",
            version);
    assertThat(bundled.exitCode()).as(bundled.toString()).isZero();
    return out.resolve("shell-" + version + ".zip");
  }

  private void install(String version) throws Exception {
    InProcessCli install =
        cli(
            "",
            "plugin",
            "install",
            bundleShellJobType(version).toString(),
            "--remote",
            platform.lifecycle(""));
    assertThat(install.exitCode()).as(install.toString()).isZero();
  }

  private HttpResponse<String> redeploy() throws Exception {
    return platform.post(
        "/api/v1/deploy",
        Map.of(
            "manifest",
            shellHello(),
            "build_context",
            Base64.getEncoder()
                .encodeToString(BuildContext.pack(SAMPLES.resolve("shell-hello"), p -> true))));
  }

  private static Map<String, Object> shellHello() throws Exception {
    Map<String, Object> manifest =
        Json.yaml()
            .readValue(
                SAMPLES.resolve("shell-hello/job.yaml").toFile(),
                new TypeReference<Map<String, Object>>() {});
    manifest.put("infrastructure_target", TARGET);
    return manifest;
  }

  private static Map<String, String> shellHelloFiles() throws Exception {
    return Map.of("perform.sh", Files.readString(SAMPLES.resolve("shell-hello/perform.sh")));
  }

  /**
   * A job of a plugin job type runs behind a relay on the Docker target by default ({@code
   * DOCKER_TARGET_RELAY=auto}): its address is the relay's Unix socket, no port on the machine.
   */
  private String internalName() {
    return json(platform.get("/api/v1/job/shell-hello/0.0.1").body())
        .path("internal_name")
        .asText();
  }

  @Test
  void shellJobType_installedAtRuntime_servesThroughPub_andSurvivesItsUninstall() throws Exception {
    install("1.0.0");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> platform.get("/api/v1/plugin/job_type/versions").body().contains("shell:1"));

    JsonNode done =
        platform.awaitDeployment(platform.deploy(shellHello(), shellHelloFiles(), Map.of()));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    assertThat(done.path("image_name").asText())
        .startsWith(env.registry() + "/" + NAMESPACE + "/job-template/shell-hello@sha256:");
    HttpResponse<String> answer = platform.perform("shell-hello", "0.0.1", "\"world\"");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer.body()).path("hello").asText()).isEqualTo("world");
    assertThat(internalName()).startsWith("unix:");

    install("2.0.0"); // a newer major version does not match shell:1.x

    // both versions of the job type run side by side: a job of each, both answering
    Map<String, Object> second = shellHello();
    second.put("version", "0.0.2");
    second.put("jobtype", "shell:2.0.0");
    JsonNode secondDone =
        platform.awaitDeployment(platform.deploy(second, shellHelloFiles(), Map.of()));
    assertThat(secondDone.path("status").asText()).as(secondDone.toString()).isEqualTo("done");
    assertThat(
            json(platform.get("/api/v1/job/shell-hello/0.0.1").body())
                .path("job_type_version")
                .asText())
        .isEqualTo("shell:1.0.0");
    assertThat(
            json(platform.get("/api/v1/job/shell-hello/0.0.2").body())
                .path("job_type_version")
                .asText())
        .isEqualTo("shell:2.0.0");
    assertThat(
            json(platform.perform("shell-hello", "0.0.1", "\"one\"").body()).path("hello").asText())
        .isEqualTo("one");
    assertThat(
            json(platform.perform("shell-hello", "0.0.2", "\"two\"").body()).path("hello").asText())
        .isEqualTo("two");

    InProcessCli uninstall =
        cli(
            "",
            "plugin",
            "uninstall",
            "shell",
            "--version",
            "1.0.0",
            "--remote",
            platform.lifecycle(""));
    assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        json(platform.get("/api/v1/job/shell-hello/0.0.1").body())
                            .path("notice")
                            .asText())
                    .isEqualTo(
                        "This version of the job type is obsolete and no longer available."));
    JsonNode job = json(platform.get("/api/v1/job/shell-hello/0.0.1").body());
    assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("running");
    assertThat(platform.perform("shell-hello", "0.0.1", "\"again\"").body())
        .contains("\"hello\"", "again");

    HttpResponse<String> refused = redeploy();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused.body()).path("error").asText())
        .contains(
            "there is no version matching job type shell:1.x", "installed versions:", "2.0.0");

    InProcessCli all = cli("", "plugin", "uninstall", "shell", "--remote", platform.lifecycle(""));
    assertThat(all.exitCode()).as(all.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(json(redeploy().body()).path("error").asText())
                    .contains("language shell is not supported"));
  }
}
