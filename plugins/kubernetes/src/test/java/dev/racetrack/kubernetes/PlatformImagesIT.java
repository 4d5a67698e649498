package dev.racetrack.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Containers;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code make docker-push} as documented (every component: lifecycle with the supervisor, PUB,
 * the image builder, the dashboard) against the local registry and inspects what was pushed: the
 * same non-root user, each component's Java entrypoint and labels, a working {@code racetrack
 * admin} command inside the lifecycle image, and the supervisor image starting {@code
 * SupervisorMain}.
 */
class PlatformImagesIT {
  private static final String REPOSITORY = "racetrack-k8s-it";

  @TempDir Path tmp;

  @Test
  void makeDockerPush_pushesEveryComponentsNonRootImage() throws Exception {
    Tools.require("make");
    Containers containers = Containers.require();
    Path root = repositoryRoot();
    String tag = "it-" + System.currentTimeMillis();
    String registry = containers.registry() + "/" + REPOSITORY;
    // the secrets docker-push generates go to a copy of the kustomization, not the checkout
    Path kustomization = Files.createTempDirectory("kustomize-dev");
    Files.copy(
        root.resolve("kustomize/dev/kustomization.yaml"),
        kustomization.resolve("kustomization.yaml"));
    Files.copy(root.resolve("kustomize/dev/config.env"), kustomization.resolve("config.env"));

    String output =
        run(
            root,
            Duration.ofMinutes(15),
            List.of(
                "make",
                "docker-push",
                "MVN=./mvnw",
                "KUSTOMIZE_DIR=" + kustomization,
                "REGISTRY=" + registry,
                "TAG=" + tag,
                "BASE_IMAGE=" + containers.javaBase(),
                "INSECURE=true",
                "REGISTRY_USER=" + containers.registryUser(),
                "REGISTRY_PASSWORD=" + containers.registryPassword(),
                "BASE_USER=" + containers.registryUser(),
                "BASE_PASSWORD=" + containers.registryPassword()));

    // ... with the secrets kustomize/dev needs: random keys, the registry account it pushed with
    Path secrets = kustomization.resolve("secrets");
    assertThat(Files.readString(secrets.resolve("racetrack.env"))).contains("AUTH_KEY=");
    assertThat(Files.readString(secrets.resolve("postgres.env"))).contains("POSTGRES_PASSWORD=");
    assertThat(Files.readString(secrets.resolve("registry.env")))
        .contains("DOCKER_REGISTRY_USERNAME=" + containers.registryUser());
    FileTrees.delete(kustomization);

    JsonNode config = imageConfig(containers, REPOSITORY + "/lifecycle", tag, output);
    String user = config.path("User").asText();
    assertThat(user).isNotEmpty().doesNotStartWith("0").isNotEqualTo("root");
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint).contains("java", "dev.racetrack.lifecycle.main.LifecycleMain");
    assertThat(config.path("Labels").path("dev.racetrack.component").asText())
        .isEqualTo("lifecycle");
    assertThat(config.path("Labels").path("org.opencontainers.image.version").asText())
        .isEqualTo(tag);

    JsonNode supervisor = imageConfig(containers, REPOSITORY + "/supervisor", tag, output);
    assertThat(supervisor.path("User").asText()).isEqualTo(user);
    List<String> supervisorEntrypoint = new ArrayList<>();
    supervisor.path("Entrypoint").forEach(e -> supervisorEntrypoint.add(e.asText()));
    assertThat(supervisorEntrypoint)
        .contains("java", "dev.racetrack.lifecycle.main.SupervisorMain")
        .doesNotContain("dev.racetrack.lifecycle.main.LifecycleMain");
    assertThat(supervisor.path("Labels").path("dev.racetrack.component").asText())
        .isEqualTo("supervisor");
    assertThat(supervisor.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("racetrack-supervisor");

    // the other components' images, as make docker-push builds them by default
    for (String[] component :
        List.of(
            new String[] {"pub", "dev.racetrack.pub.PubMain"},
            new String[] {"image-builder", "dev.racetrack.imagebuilder.ImageBuilderMain"},
            new String[] {"dashboard", "dev.racetrack.dashboard.DashboardMain"})) {
      JsonNode other = imageConfig(containers, REPOSITORY + "/" + component[0], tag, output);
      assertThat(other.path("User").asText()).as(component[0]).isEqualTo(user);
      List<String> otherEntrypoint = new ArrayList<>();
      other.path("Entrypoint").forEach(e -> otherEntrypoint.add(e.asText()));
      assertThat(otherEntrypoint).as(component[0]).contains("java", component[1]);
      assertThat(other.path("Labels").path("dev.racetrack.component").asText())
          .isEqualTo(component[0]);
      assertThat(other.path("Labels").path("org.opencontainers.image.version").asText())
          .isEqualTo(tag);
    }

    String image = registry + "/lifecycle:" + tag;
    Path dockerConfig = Files.createDirectories(tmp.resolve("docker"));
    docker(
        containers,
        dockerConfig,
        "login",
        "-u",
        containers.registryUser(),
        "-p",
        containers.registryPassword(),
        containers.registry());
    try {
      String help =
          docker(
              containers,
              dockerConfig,
              "run",
              "--rm",
              "--network",
              "host",
              "--entrypoint",
              "racetrack",
              image,
              "admin",
              "--help");
      assertThat(help)
          .contains("changepassword")
          .contains("createsuperuser")
          .contains("generate-auth");
      String uid =
          docker(
              containers,
              dockerConfig,
              "run",
              "--rm",
              "--network",
              "host",
              "--entrypoint",
              "id",
              image,
              "-u");
      assertThat(uid.strip()).isEqualTo("65532");
    } finally {
      docker(containers, dockerConfig, "rmi", "-f", image);
    }
  }

  private JsonNode imageConfig(
      Containers containers, String repository, String tag, String buildOutput)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> manifest =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + containers.registry()
                              + "/v2/"
                              + repository
                              + "/manifests/"
                              + tag))
                  .header("Authorization", containers.registryAuthorization())
                  .header(
                      "Accept",
                      "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(manifest.statusCode()).as(manifest.body() + "\n" + buildOutput).isEqualTo(200);
      String digest =
          Json.mapper().readTree(manifest.body()).path("config").path("digest").asText();
      HttpResponse<String> blob =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + containers.registry()
                              + "/v2/"
                              + repository
                              + "/blobs/"
                              + digest))
                  .header("Authorization", containers.registryAuthorization())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(blob.statusCode()).isEqualTo(200);
      return Json.mapper().readTree(blob.body()).path("config");
    }
  }

  private String docker(Containers containers, Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "--config", config.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_HOST", containers.dockerHost());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", args) + ": " + out).isZero();
    return out;
  }

  private static String run(Path dir, Duration timeout, List<String> command) throws Exception {
    Path log = Files.createTempFile("make-docker-push", ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    String out = Files.readString(log);
    Files.deleteIfExists(log);
    if (!done) {
      process.destroyForcibly();
    }
    assertThat(done).as("make docker-push finished in time:\n" + out).isTrue();
    assertThat(process.exitValue()).as("make docker-push:\n" + out).isZero();
    return out;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("Makefile"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a parent directory holding the Makefile").isNotNull();
    return dir;
  }
}
