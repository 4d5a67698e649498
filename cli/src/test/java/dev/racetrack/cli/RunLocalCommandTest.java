package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code racetrack run-local}: the platform builds the image ({@code POST /api/v1/build}), then the
 * docker CLI (a recording stand-in here) pulls and runs it with the job's environment, whose values
 * never appear on docker's command line.
 */
class RunLocalCommandTest {
  private static final String IMAGE = "registry.example.com/jobs/adder@sha256:" + "ab".repeat(32);

  @TempDir Path dir;
  private FakeLifecycleFixture lifecycle;
  private CliFixture cli;
  private Path jobDir;
  private Path dockerLog;

  @BeforeEach
  void start() throws IOException {
    lifecycle = new FakeLifecycleFixture();
    dockerLog = dir.resolve("docker.log");
    Path docker = dir.resolve("docker");
    // Records its arguments and the job variables it was given, one line per call.
    Files.writeString(
        docker,
        "#!/bin/sh\n"
            + "printf '%s|' \"$@\" >> "
            + dockerLog
            + "\nprintf 'env:%s,%s,%s,%s\\n' \"$SECRET_TOKEN\" \"$MODE\" \"$PIP_EXTRA\""
            + " \"${RACETRACK_JOB_CALL_SECRET:+set}\" >> "
            + dockerLog
            + "\n"
            + "case \"$1\" in pull) exit \"${PULL_EXIT:-0}\";; esac\nexit 0\n");
    Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
    cli = new CliFixture(dir).withEnv("RACETRACK_DOCKER", docker.toString());
    cli.loggedIn(lifecycle.url(), "tok-alice");
    jobDir = Files.createDirectories(dir.resolve("adder"));
    Files.writeString(
        jobDir.resolve("job.yaml"),
        """
        name: adder
        version: 1.0.0
        owner_email: a@example.com
        jobtype: python3:latest
        git: {remote: https://github.com/example/adder}
        build_env: {PIP_EXTRA: "--pre"}
        runtime_env: {MODE: fast}
        secret_runtime_env_file: secrets.env
        jobtype_extra: {entrypoint_path: adder.py}
        """);
    Files.writeString(jobDir.resolve("secrets.env"), "SECRET_TOKEN=s3cr3t-value\n");
    Files.writeString(jobDir.resolve("adder.py"), "class Adder: pass\n");
  }

  @AfterEach
  void stop() {
    cli.close();
    lifecycle.close();
  }

  private void acceptBuild(String imageName) {
    Map<String, Object> done =
        new java.util.HashMap<>(deployment("b-1", "done", null, null, null, null));
    done.put("image_name", imageName);
    lifecycle.onApi("POST", "/api/v1/build", Response.json(Map.of("id", "b-1")));
    lifecycle.onApi("GET", "/api/v1/deploy/b-1", Response.json(done));
  }

  @Test
  void runLocal_buildsOnThePlatform_thenPullsAndRunsTheImageOnLoopback() throws IOException {
    acceptBuild(IMAGE);

    CliFixture.Result result =
        cli.run("run-local", jobDir.toString(), "--port", "7123", "--build-context", "local");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(
            lifecycle
                .onlyApiRequest("POST", "/api/v1/build")
                .json()
                .path("manifest")
                .path("name")
                .asText())
        .isEqualTo("adder");
    List<String> calls = Files.readAllLines(dockerLog);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).isEqualTo("pull|" + IMAGE + "|env:,,,");
    String run = calls.get(1);
    assertThat(run)
        .startsWith("run|--rm|--name|local-job-adder-v-1-0-0|--network|host|")
        .contains("|-e|MODE|", "|-e|SECRET_TOKEN|", "|-e|PIP_EXTRA|", "|-e|PORT|")
        .as("secret and runtime values reach docker, build variables are shadowed empty")
        .endsWith("|" + IMAGE + "|env:s3cr3t-value,fast,,set");
    assertThat(run.substring(0, run.indexOf("|env:")))
        .as("values travel in docker's environment, never on its command line")
        .doesNotContain("s3cr3t-value")
        .doesNotContain("fast");
    assertThat(result.out())
        .contains("on http://127.0.0.1:7123/pub/job/adder/1.0.0/")
        .contains("X-Racetrack-Job-Secret: ");
  }

  @Test
  void runLocal_withCmd_replacesTheImagesEntrypointWithAShell() throws IOException {
    acceptBuild(IMAGE);

    CliFixture.Result result =
        cli.run("run-local", jobDir.toString(), "--build-context", "local", "--cmd", "ls -la /src");

    assertThat(result.exitCode()).as(result.err()).isZero();
    String run = Files.readAllLines(dockerLog).get(1);
    assertThat(run).contains("|--entrypoint|sh|" + IMAGE + "|-c|ls -la /src|env:");
  }

  @Test
  void runLocal_whenThePullFails_namesTheImageAndHowToLogIn() throws IOException {
    acceptBuild(IMAGE);
    cli.withEnv("PULL_EXIT", "1");

    CliFixture.Result result = cli.run("run-local", jobDir.toString(), "--build-context", "local");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err())
        .contains("docker pull " + IMAGE + " failed")
        .contains("docker login registry.example.com");
    assertThat(Files.readAllLines(dockerLog)).noneMatch(l -> l.startsWith("run|"));
  }

  @Test
  void runLocal_whenTheBuildFails_runsNothing() {
    lifecycle.onApi("POST", "/api/v1/build", Response.json(Map.of("id", "b-1")));
    lifecycle.onApi(
        "GET",
        "/api/v1/deploy/b-1",
        Response.json(deployment("b-1", "failed", null, "pip install failed", null, null)));

    CliFixture.Result result = cli.run("run-local", jobDir.toString(), "--build-context", "local");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("pip install failed");
    assertThat(dockerLog).doesNotExist();
  }
}
