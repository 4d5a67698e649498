package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.DeployRequest.GitCredentials;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image builder over HTTP: streamed phases, artifacts from uploads and git, logs, errors. */
class ImageBuilderIT {
  private static final String TOKEN = "builder-token";
  @TempDir Path tmp;
  private ImageBuilderApp app;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    Tools.require("python3");
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", tmp.resolve("data").toString());
    env.put("IMAGE_BUILDER_PORT", "0");
    env.put("GIT_ALLOWED_SCHEMES", "https,file");
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    app =
        ImageBuilderApp.start(
            ImageBuilderConfig.fromEnv(env, TOKEN), Plugins.discover(), Clock.systemUTC(), "test");
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private Path jobSource() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("job"));
    Files.writeString(
        dir.resolve("job.py"), "class Job:\n    def perform(self):\n        return 1\n");
    Files.writeString(
        dir.resolve("job.yaml"),
        "name: built\nowner_email: a@example.com\njobtype: python3:latest\ngit:\n  remote: https://example.com/x\n"
            + "jobtype_extra:\n  entrypoint_path: job.py\n");
    return dir;
  }

  private static Map<String, Object> manifest(String remote, String directory) {
    return Map.of(
        "name", "built",
        "owner_email", "a@example.com",
        "jobtype", "python3:latest",
        "git", Map.of("remote", remote, "directory", directory),
        "jobtype_extra", Map.of("entrypoint_path", "job.py"));
  }

  /** Sends a build and returns the events (name, data) in order. */
  private List<String[]> build(BuildRequest request, String token) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/api/v1/build/sse"))
                .header("X-Racetrack-Auth", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(request)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String[]> events = new ArrayList<>();
    for (String block : response.body().split("\n\n")) {
      String name = "";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(data.isEmpty() ? "" : "\n").append(line.substring(6));
        }
      }
      if (!name.isEmpty()) {
        events.add(new String[] {name, data.toString()});
      }
    }
    return events;
  }

  private static JsonNode result(List<String[]> events) throws IOException {
    assertThat(events.getLast()[0]).isEqualTo("result");
    return Json.mapper().readTree(events.getLast()[1]);
  }

  @Test
  void build_fromUploadedContext_streamsPhases_andProducesARunnableArtifact() throws Exception {
    String context = Base64.getEncoder().encodeToString(BuildContext.pack(jobSource(), p -> true));
    List<String[]> events =
        build(
            new BuildRequest(
                "dep-1",
                manifest("https://example.com/x", "."),
                context,
                null,
                Map.of("PIP_TOKEN", "sekret-value"),
                "2026-01-01T000000",
                List.of(),
                null),
            TOKEN);

    assertThat(events.stream().filter(e -> e[0].equals("phase")).map(e -> e[1]))
        .containsSubsequence(
            "fetching the source code",
            "preparing job type builder",
            "building image (1/1)",
            "finalizing the build");
    // the log is streamed line by line too (lifecycle relays it to whoever follows the build)
    assertThat(events.stream().filter(e -> e[0].equals("log")).map(e -> e[1]))
        .anyMatch(line -> line.startsWith("job type "));
    JsonNode result = result(events);
    assertThat(result.path("error").isNull()).as(result.toString()).isTrue();
    Path artifact = Path.of(result.path("image_name").asText());
    assertThat(artifact).isEqualTo(tmp.resolve("data/artifacts/built/0.0.1/2026-01-01T000000"));
    LaunchSpec launch =
        Json.mapper().readValue(artifact.resolve("launch.json").toFile(), LaunchSpec.class);
    assertThat(launch.command()).contains("racetrack_job_wrapper");
    assertThat(artifact.resolve("job/job.py")).exists();
    Path log = tmp.resolve("data/build-logs/dep-1.log");
    assertThat(log).exists();
    assertThat(Files.readString(log))
        .contains("fetching the source code")
        .doesNotContain("sekret-value");
    assertThat(result.path("logs").asText()).doesNotContain("sekret-value");
    assertThat(tmp.resolve("data/workspaces/dep-1")).doesNotExist();
  }

  /**
   * A local build (the job runs on this machine) needs the manifest's {@code system_dependencies}
   * installed here: a missing one fails the build naming it and the command that installs it,
   * before anything is built; installed ones let it through.
   */
  @Test
  void build_localWithSystemDependencies_checksTheyAreInstalledHere() throws Exception {
    Tools.require("dpkg-query");
    String context = Base64.getEncoder().encodeToString(BuildContext.pack(jobSource(), p -> true));
    Map<String, Object> missing = new java.util.HashMap<>(manifest("https://example.com/x", "."));
    missing.put("system_dependencies", List.of("coreutils", "racetrack-no-such-package"));
    JsonNode refused =
        result(
            build(
                new BuildRequest(
                    "dep-sys-1", missing, context, null, Map.of(), "t-sys-1", List.of(), null),
                TOKEN));
    assertThat(refused.path("error").asText())
        .contains("system_dependencies: racetrack-no-such-package not installed")
        .contains("apt-get install -y racetrack-no-such-package")
        .doesNotContain("coreutils not installed");
    assertThat(tmp.resolve("data/artifacts/built/0.0.1/t-sys-1")).doesNotExist();

    Map<String, Object> installed = new java.util.HashMap<>(manifest("https://example.com/x", "."));
    installed.put("system_dependencies", List.of("coreutils"));
    JsonNode built =
        result(
            build(
                new BuildRequest(
                    "dep-sys-2", installed, context, null, Map.of(), "t-sys-2", List.of(), null),
                TOKEN));
    assertThat(built.path("error").isNull()).as(built.toString()).isTrue();
  }

  @Test
  void build_fromGit_clonesTheBranchAndDirectory() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path jobDir = Files.createDirectories(repo.resolve("jobs/built"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(
          jobDir.resolve("job.py"), "class Job:\n    def perform(self):\n        return 2\n");
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("job")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call();
    }
    String remote = repo.toUri().toString();
    List<String[]> events =
        build(
            new BuildRequest(
                "dep-2",
                manifest(remote, "jobs/built"),
                null,
                null,
                Map.of(),
                "t1",
                List.of(),
                null),
            TOKEN);

    JsonNode result = result(events);
    assertThat(result.path("error").isNull()).as(result.toString()).isTrue();
    assertThat(result.path("logs").asText()).contains("source: git ");
    assertThat(Path.of(result.path("image_name").asText()).resolve("job/job.py"))
        .hasContent("class Job:\n    def perform(self):\n        return 2\n");
    assertThat(result.path("warnings").toString()).contains("cannot compare the manifest");
  }

  @Test
  void build_fromGitWithMissingDirectory_failsWithAClearError() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo2"));
    try (Git git = Git.init().setDirectory(repo.toFile()).call()) {
      Files.writeString(repo.resolve("README"), "x");
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("x")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call();
    }
    JsonNode result =
        result(
            build(
                new BuildRequest(
                    "dep-3",
                    manifest(repo.toUri().toString(), "nope"),
                    null,
                    new GitCredentials("u", "p4ssw0rd"),
                    Map.of(),
                    "t1",
                    List.of(),
                    null),
                TOKEN));
    assertThat(result.path("error").asText()).contains("git.directory 'nope' does not exist");
    assertThat(result.toString()).doesNotContain("p4ssw0rd");
    assertThat(result.path("image_name").isNull()).isTrue();
  }

  @Test
  void build_unreachableRemote_fails() throws Exception {
    JsonNode result =
        result(
            build(
                new BuildRequest(
                    "dep-4",
                    manifest(tmp.resolve("missing").toUri().toString(), "."),
                    null,
                    null,
                    Map.of(),
                    "t1",
                    List.of(),
                    null),
                TOKEN));
    assertThat(result.path("error").asText()).contains("cannot clone");
  }

  @Test
  void metrics_countRequestsPhasesSuccessesAndFailures() throws Exception {
    String context = Base64.getEncoder().encodeToString(BuildContext.pack(jobSource(), p -> true));
    build(
        new BuildRequest(
            "dep-m1",
            manifest("https://example.com/x", "."),
            context,
            null,
            Map.of(),
            "t1",
            List.of(),
            null),
        TOKEN);
    build(
        new BuildRequest(
            "dep-m2",
            manifest(tmp.resolve("missing").toUri().toString(), "."),
            null,
            null,
            Map.of(),
            "t2",
            List.of(),
            null),
        TOKEN);

    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    String job = "job_name=\"built\",job_version=\"0.0.1\"";
    assertThat(metrics)
        .contains("image_building_requests_total{" + job + "} 2.0")
        .contains("image_building_done_requests_total{" + job + "} 2.0")
        .contains("image_building_request_duration_seconds_count{" + job + "} 2")
        .contains("image_building_phase_done_total{" + job + ",phase=\"building image\"} 1.0")
        .contains(
            "image_building_phase_done_total{" + job + ",phase=\"fetching the source code\"} 2.0")
        .contains(
            "image_building_phase_duration_seconds_count{"
                + job
                + ",phase=\"cleaning up the workspace\"} 2")
        .contains("images_built_total 1.0")
        .contains("images_building_errors_total 1.0")
        .contains("active_building_tasks 0.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void build_withWrongToken_isRefused() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/api/v1/build/sse"))
                .header("X-Racetrack-Auth", "wrong")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("accepts requests from lifecycle only");
  }

  @Test
  void build_unsafeIds_areRefusedBeforeTouchingDisk() throws Exception {
    JsonNode result =
        result(
            build(
                new BuildRequest(
                    "../../etc",
                    manifest("https://x/y", "."),
                    null,
                    null,
                    Map.of(),
                    "t1",
                    List.of(),
                    null),
                TOKEN));
    assertThat(result.path("error").asText()).isEqualTo("invalid deployment id or tag");
  }
}
