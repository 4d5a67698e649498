package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.cli.CliContext;
import dev.racetrack.cli.RacetrackCli;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Containers;
import dev.racetrack.testsupport.FreePort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code racetrack run-local} end to end (issue 15): a platform with the real image builder and
 * registry builds {@code samples/python-adder} as an image, and the CLI runs it with the real
 * {@code docker} CLI on the engine of the container test environment; the job answers on the local
 * port with the secret the command printed, and stops when its container is removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunLocalDockerIT {
  private static final String TARGET = "rt-cont-rl-" + ProcessHandle.current().pid();
  private static final String JOB = "rt-cont-run-local";
  private static final Pattern CURL =
      Pattern.compile("curl -H '([^:]+): ([^']+)' -d '\\{}' (http://127\\.0\\.0\\.1:\\d+/\\S+)");

  @TempDir static Path home;
  private Containers env;
  private PlatformFixture platform;
  private Map<String, String> cliEnv;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws IOException {
    env = Containers.require();
    Map<String, String> extra = new HashMap<>();
    extra.put("DOCKER_HOST", env.dockerHost());
    extra.put("DOCKER_REGISTRY", env.registry());
    extra.put("DOCKER_REGISTRY_USERNAME", env.registryUser());
    extra.put("DOCKER_REGISTRY_PASSWORD", env.registryPassword());
    extra.put("DOCKER_REGISTRY_NAMESPACE", "rt-cont-rl");
    extra.put("DOCKER_TARGET_NETWORK", "host");
    extra.put("DOCKER_REGISTRY_INSECURE", "true");
    extra.put("PYTHON3_BASE_IMAGE", env.pythonBase());
    extra.put("INFRASTRUCTURE_TARGET", TARGET);
    platform =
        new PlatformFixture(
            home,
            extra,
            new Plugins(
                List.of(new Python3JobType()), List.of(new DockerInfrastructurePlugin(TARGET))));
    // the user's docker CLI, logged in to the registry the platform pushes to
    Path dockerConfig = Files.createDirectories(home.resolve("docker-config"));
    Files.writeString(
        dockerConfig.resolve("config.json"),
        "{\"auths\":{\""
            + env.registry()
            + "\":{\"auth\":\""
            + env.registryAuthorization().substring("Basic ".length())
            + "\"}}}");
    cliEnv =
        Map.of(
            "RACETRACK_CONFIG", home.resolve("client/config.yaml").toString(),
            "PATH", System.getenv("PATH"),
            "HOME", home.toString(),
            "DOCKER_HOST", env.dockerHost(),
            "DOCKER_CONFIG", dockerConfig.toString());
    Cli login =
        cli(
            PlatformFixture.ADMIN_PASSWORD + "\n",
            "login",
            "--username",
            "admin",
            "--remote",
            platform.lifecycle(""));
    assertThat(login.exitCode()).as(login.toString()).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    if (env != null) {
      docker("rm", "-f", containerName());
      for (String id :
          docker("images", "-q", "--filter", "reference=" + image("")).strip().split("\\s+")) {
        if (!id.isEmpty()) {
          docker("rmi", "-f", id);
        }
      }
    }
    if (platform != null) {
      platform.close();
    }
  }

  record Cli(int exitCode, String out, String err) {}

  /** A CLI run whose output can be read while it runs. */
  private record Running(CompletableFuture<Integer> exit, ByteArrayOutputStream out) {
    String output() {
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private Cli cli(String stdin, String... args) {
    Running running = start(stdin, args);
    int code = running.exit().join();
    return new Cli(code, running.output(), "");
  }

  private Running start(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CliContext context =
        new CliContext(
            cliEnv,
            print,
            print,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            HttpClient.newHttpClient());
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                exit.complete(RacetrackCli.commandLine(context).execute(args));
              } catch (RuntimeException | Error e) {
                exit.completeExceptionally(e);
              } finally {
                context.close();
              }
            });
    return new Running(exit, out);
  }

  private static String containerName() {
    return "local-" + dev.racetrack.model.manifest.Manifest.resourceName(JOB, "0.0.1");
  }

  private String image(String suffix) {
    return env.registry() + "/rt-cont-rl/job-entrypoint/" + JOB + suffix;
  }

  private String docker(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_HOST", env.dockerHost());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void runLocal_pythonAdder_buildsOnThePlatform_runsWithDocker_andAnswersWithThePrintedSecret()
      throws Exception {
    int port = FreePort.find();
    Running run =
        start(
            "",
            "run-local",
            Path.of("..", "samples", "python-adder").toString(),
            "--remote",
            platform.lifecycle(""),
            "--port",
            Integer.toString(port),
            "-e",
            "name=" + JOB);

    Matcher curl = CURL.matcher("");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .failFast("run-local ended: " + run.output(), () -> run.exit().isDone())
        .until(() -> curl.reset(run.output()).find());
    assertThat(run.output()).contains("running " + image("@sha256:"));
    assertThat(curl.group(3)).contains(":" + port + "/");
    HttpRequest withSecret =
        HttpRequest.newBuilder(URI.create(curl.group(3)))
            .header(curl.group(1), curl.group(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"))
            .build();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class)
        .failFast("run-local ended: " + run.output(), () -> run.exit().isDone())
        .untilAsserted(
            () -> {
              HttpResponse<String> answer =
                  http.send(withSecret, HttpResponse.BodyHandlers.ofString());
              assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
              assertThat(answer.body().strip()).isEqualTo("42");
            });
    HttpResponse<String> noSecret =
        http.send(
            HttpRequest.newBuilder(URI.create(curl.group(3)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [1]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noSecret.statusCode()).isEqualTo(401);
    assertThat(platform.get("/api/v1/job").body()).doesNotContain(JOB);

    docker("rm", "-f", containerName());

    assertThat(run.exit().get(60, TimeUnit.SECONDS)).as(run.output()).isNotZero();
    assertThat(docker("ps", "-a", "--filter", "name=" + containerName(), "--format", "{{.Names}}"))
        .doesNotContain(containerName());
  }
}
