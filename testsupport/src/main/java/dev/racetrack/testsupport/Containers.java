package dev.racetrack.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The container test environment that {@code .ci/containers.sh} brings up: a Docker engine on its
 * own socket, a local registry that requires credentials, and locally made base images. Tests read
 * it from the {@code RACETRACK_TEST_*} variables (the script's defaults apply when unset) and call
 * {@link #require()}: a missing engine or registry skips the test loudly, and fails it in CI.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///tmp/rt-docker/docker.sock}
 * @param registry the registry's {@code host:port}
 * @param registryUser a user the registry accepts
 * @param registryPassword that user's password
 * @param pythonBase a base image with Python 3.11 and pip, in the registry
 * @param javaBase a base image with a Java runtime (>= 21), in the registry
 */
public record Containers(
    String dockerHost,
    String registry,
    String registryUser,
    String registryPassword,
    String pythonBase,
    String javaBase) {

  /** The environment as configured, without checking that it is up. */
  public static Containers configured() {
    return from(System.getenv());
  }

  static Containers from(Map<String, String> env) {
    String registry = env.getOrDefault("RACETRACK_TEST_REGISTRY", "127.0.0.1:5000");
    return new Containers(
        env.getOrDefault("RACETRACK_TEST_DOCKER_HOST", "unix:///tmp/rt-docker/docker.sock"),
        registry,
        env.getOrDefault("RACETRACK_TEST_REGISTRY_USER", "racetrack"),
        env.getOrDefault("RACETRACK_TEST_REGISTRY_PASSWORD", "racetrack-test-registry"),
        env.getOrDefault("RACETRACK_TEST_PYTHON_BASE", registry + "/racetrack-base/python:3.11"),
        env.getOrDefault("RACETRACK_TEST_JAVA_BASE", registry + "/racetrack-base/jre:21"));
  }

  /**
   * The environment, checked: the engine answers and the registry accepts the credentials. Skips
   * the calling test (fails it in CI) when not, naming what is missing and how to bring it up.
   */
  public static Containers require() {
    Containers containers = configured();
    Optional<String> missing = containers.missing();
    Tools.requireThat(
        missing.isEmpty(),
        missing.orElse("")
            + " (run `.ci/containers.sh` to bring up the container test environment)");
    return containers;
  }

  /** The docker socket's path when the engine is on a unix socket. */
  public Optional<Path> dockerSocket() {
    return dockerHost.startsWith("unix://")
        ? Optional.of(Path.of(dockerHost.substring("unix://".length())))
        : Optional.empty();
  }

  /** The basic-auth header value for the registry. */
  public String registryAuthorization() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (registryUser + ":" + registryPassword).getBytes(StandardCharsets.UTF_8));
  }

  private Optional<String> missing() {
    if (dockerSocket().map(s -> !Files.exists(s)).orElse(false)) {
      return Optional.of("a Docker engine at " + dockerHost);
    }
    if (!dockerAnswers()) {
      return Optional.of("a Docker engine answering at " + dockerHost);
    }
    if (!registryAnswers()) {
      return Optional.of("a registry at " + registry + " accepting the test credentials");
    }
    return Optional.empty();
  }

  private boolean dockerAnswers() {
    try {
      ProcessBuilder docker =
          new ProcessBuilder("docker", "version", "--format", "{{.Server.Version}}")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      docker.environment().put("DOCKER_HOST", dockerHost);
      Process process = docker.start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean registryAnswers() {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
                  .header("Authorization", registryAuthorization())
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
