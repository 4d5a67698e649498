package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Containers;
import dev.racetrack.testsupport.Tools;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform on the Docker target of the container test environment: jobs survive a
 * platform restart (their containers keep running and are adopted, not restarted), a killed
 * container comes back, and PUB spreads calls over a job's replicas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerPlatformRestartIT {
  private static final String TARGET = "rt-cont-" + ProcessHandle.current().pid();
  private static final String LABEL_TARGET = "racetrack/infrastructure-target";
  private static final String LABEL_NAME = "racetrack/job-name";

  /**
   * A python job answering with the port its replica listens on (one per replica; the local target
   * gives it in JOB_HTTP_PORT only).
   */
  private static final String WHOAMI =
      """
      import os


      class WhoAmI:
          def perform(self) -> str:
              return os.environ.get("PORT") or os.environ["JOB_HTTP_PORT"]
      """;

  @TempDir static Path home;
  private Containers env;
  private PlatformFixture platform;
  private DockerClient docker;

  @BeforeAll
  void start() {
    env = Containers.require();
    Map<String, String> extra = new HashMap<>(dockerEnv());
    extra.put("INFRASTRUCTURE_TARGET", TARGET);
    docker = DockerInfrastructurePlugin.client(DockerConfig.fromEnv(dockerEnv()));
    platform =
        new PlatformFixture(
            home,
            extra,
            new Plugins(
                List.of(new Python3JobType()),
                List.of(
                    new DockerInfrastructurePlugin(TARGET),
                    new LocalInfrastructurePlugin("local"))));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (platform != null) {
        platform.close();
      }
    } finally {
      if (docker != null) {
        containers("").forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
        // the images the target pulled to run the jobs
        docker
            .listImagesCmd()
            .withReferenceFilter(env.registry() + "/rt-cont-it/*/*")
            .exec()
            .forEach(i -> docker.removeImageCmd(i.getId()).withForce(true).exec());
        docker.close();
      }
    }
  }

  private Map<String, String> dockerEnv() {
    return Map.of(
        "DOCKER_HOST", env.dockerHost(),
        "DOCKER_REGISTRY", env.registry(),
        "DOCKER_REGISTRY_USERNAME", env.registryUser(),
        "DOCKER_REGISTRY_PASSWORD", env.registryPassword(),
        "DOCKER_REGISTRY_NAMESPACE", "rt-cont-it",
        "DOCKER_TARGET_NETWORK", "host",
        "DOCKER_REGISTRY_INSECURE", "true",
        "PYTHON3_BASE_IMAGE", env.pythonBase());
  }

  private static Map<String, Object> whoAmI(String name, int replicas) {
    Map<String, Object> manifest = new HashMap<>();
    manifest.put("name", name);
    manifest.put("owner_email", "rt-cont@example.com");
    manifest.put("version", "0.0.1");
    manifest.put("jobtype", "python3:latest");
    manifest.put("git", Map.of("remote", "https://github.com/racetrack-jvm/racetrack-jvm"));
    manifest.put("infrastructure_target", TARGET);
    manifest.put("replicas", replicas);
    manifest.put(
        "jobtype_extra", Map.of("entrypoint_path", "whoami.py", "entrypoint_class", "WhoAmI"));
    return manifest;
  }

  private void deploy(Map<String, Object> manifest) {
    JsonNode done =
        platform.awaitDeployment(platform.deploy(manifest, Map.of("whoami.py", WHOAMI), Map.of()));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
  }

  /** The job's containers on this test's target (every job's for an empty name). */
  private List<InspectContainerResponse> containers(String job) {
    Map<String, String> labels = new HashMap<>(Map.of(LABEL_TARGET, TARGET));
    if (!job.isEmpty()) {
      labels.put(LABEL_NAME, job);
    }
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
        .map(c -> docker.inspectContainerCmd(c.getId()).exec())
        .toList();
  }

  private String callThroughPub(String job) {
    HttpResponse<String> answer = platform.perform(job, "0.0.1", "{}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body().strip();
  }

  @Test
  void platformRestart_adoptsTheRunningContainer_andAKilledContainerComesBack() {
    deploy(whoAmI("rt-cont-adopt", 1));
    InspectContainerResponse before = containers("rt-cont-adopt").getFirst();
    String port = callThroughPub("rt-cont-adopt");

    platform.restart();

    InspectContainerResponse after = containers("rt-cont-adopt").getFirst();
    assertThat(after.getId()).as("the same container, adopted").isEqualTo(before.getId());
    assertThat(after.getState().getStartedAt())
        .as("not restarted")
        .isEqualTo(before.getState().getStartedAt());
    assertThat(after.getRestartCount()).isZero();
    assertThat(callThroughPub("rt-cont-adopt")).isEqualTo(port);
    assertThat(
            PlatformFixture.json(platform.get("/api/v1/job/rt-cont-adopt/0.0.1").body())
                .path("status")
                .asText())
        .isEqualTo("running");

    ProcessHandle.of(after.getState().getPidLong()).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions() // refused or 502 while the engine restarts the container
        .untilAsserted(
            () -> {
              assertThat(containers("rt-cont-adopt").getFirst().getRestartCount()).isPositive();
              assertThat(callThroughPub("rt-cont-adopt")).isEqualTo(port);
            });
  }

  @Test
  void jobWithTwoReplicas_callsThroughPub_reachBothReplicas() {
    deploy(whoAmI("rt-cont-replicas", 2));
    assertThat(containers("rt-cont-replicas")).hasSize(2);

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      seen.add(callThroughPub("rt-cont-replicas"));
    }

    // 40 calls spread at random over 2 replicas miss one with probability 2^-39
    assertThat(seen).as("replicas answering through PUB").hasSize(2);
  }

  /**
   * Call throughput through PUB, the same python job on the Docker target and on the local target
   * (issue 9's benchmark; printed, not asserted beyond "both served"): wrk on core 0 (the platform
   * and the jobs share the machine), 3 s warm-up, then 10 s, one run each.
   */
  @Test
  void bench_pythonJobThroughPub_dockerVersusLocal() throws Exception {
    Path wrk = Tools.require("wrk");
    Path script = home.resolve("perform.lua");
    Files.writeString(
        script,
        "wrk.method = \"POST\"\n"
            + "wrk.body = '{}'\n"
            + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
            + "wrk.headers[\"X-Racetrack-Auth\"] = \""
            + platform.admin()
            + "\"\n");
    Map<String, Object> onDocker = whoAmI("rt-cont-bench-docker", 1);
    Map<String, Object> onLocal = whoAmI("rt-cont-bench-local", 1);
    onLocal.put("infrastructure_target", "local");
    deploy(onDocker);
    deploy(onLocal);
    callThroughPub("rt-cont-bench-docker");
    callThroughPub("rt-cont-bench-local");

    double docker = requestsPerSecond(wrk, script, "rt-cont-bench-docker");
    double local = requestsPerSecond(wrk, script, "rt-cont-bench-local");

    System.out.printf(
        "BENCHMARK python job through PUB (wrk -t1 -c16 -d10s, taskset -c 0): docker target %.0f"
            + " req/s, local target %.0f req/s, docker/local %.2f%n",
        docker, local, docker / local);
    assertThat(docker).isPositive();
    assertThat(local).isPositive();
  }

  private double requestsPerSecond(Path wrk, Path script, String job) throws Exception {
    String url = platform.pub("/job/" + job + "/0.0.1/api/v1/perform");
    run(
        List.of(
            "taskset",
            "-c",
            "0",
            wrk.toString(),
            "-t1",
            "-c16",
            "-d3s",
            "-s",
            script.toString(),
            url));
    String out =
        run(
            List.of(
                "taskset",
                "-c",
                "0",
                wrk.toString(),
                "-t1",
                "-c16",
                "-d10s",
                "-s",
                script.toString(),
                url));
    System.out.println(out);
    assertThat(out).as(out).doesNotContain("Non-2xx");
    Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    assertThat(rate.find()).as(out).isTrue();
    return Double.parseDouble(rate.group(1));
  }

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }
}
