package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.deployment;
import static dev.racetrack.cli.FakeLifecycleFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeployCommandTest {
  private static final String TOKEN = "tok-alice";
  private static final String DEPLOY = "/api/v1/deploy";
  private static final String STATUS = "/api/v1/deploy/dep-1";
  private static final Pattern TIMED_LINE = Pattern.compile("^\\[\\s*\\d+\\.\\ds] (.*)$");

  @TempDir Path dir;
  private Path jobDir;
  private FakeLifecycleFixture lifecycle;
  private CliFixture cli;

  @BeforeEach
  void start() throws IOException {
    lifecycle = new FakeLifecycleFixture();
    cli = new CliFixture(dir);
    cli.loggedIn(lifecycle.url(), TOKEN);
    jobDir = Files.createDirectories(dir.resolve("adder"));
    write(
        "base.yaml",
        """
        name: adder
        owner_email: sample@example.com
        jobtype: python3:latest
        git:
          remote: https://github.com/example/adder
          directory: adder
        runtime_env: {BASE: "1", MODE: slow}
        jobtype_extra: {entrypoint_path: adder.py}
        """);
    write(
        "job.yaml",
        """
        extends: base.yaml
        version: 1.0.0
        runtime_env: {MODE: normal}
        """);
    write("adder.py", "class Adder: pass\n");
  }

  @AfterEach
  void stop() {
    cli.close();
    lifecycle.close();
  }

  private void write(String relative, String content) throws IOException {
    Path file = jobDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private void acceptDeployment(Response... statuses) {
    lifecycle.onApi("POST", DEPLOY, Response.json(Map.of("id", "dep-1")));
    lifecycle.onApi("GET", STATUS, statuses);
  }

  private Response done() {
    return Response.json(
        deployment(
            "dep-1",
            "done",
            "deploying",
            null,
            null,
            job("adder", "1.0.0", "running", lifecycle.base() + "/pub/job/adder/1.0.0")));
  }

  private JsonNode deployBody() {
    return lifecycle.onlyApiRequest("POST", DEPLOY).json();
  }

  // --- request body ---

  @Test
  void deploy_withOverlayExtraVarsForceAndNoCache_sendsMergedManifestAndFlags() {
    acceptDeployment(done());

    CliFixture.Result result =
        cli.run(
            "deploy",
            jobDir.toString(),
            "--force",
            "--no-cache",
            "--build-context",
            "git",
            "-e",
            "version=1.2.3",
            "-e",
            "runtime_env.MODE=fast",
            "--extra-vars",
            "replicas=2");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Recorded post = lifecycle.onlyApiRequest("POST", DEPLOY);
    assertThat(post.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    JsonNode manifest = post.json().path("manifest");
    assertThat(manifest.path("name").asText()).isEqualTo("adder");
    assertThat(manifest.path("version").asText()).isEqualTo("1.2.3");
    assertThat(manifest.path("owner_email").asText()).isEqualTo("sample@example.com");
    assertThat(manifest.path("jobtype").asText()).isEqualTo("python3:latest");
    assertThat(manifest.path("git").path("remote").asText())
        .isEqualTo("https://github.com/example/adder");
    assertThat(manifest.path("git").path("directory").asText()).isEqualTo("adder");
    assertThat(manifest.path("replicas").isInt()).isTrue();
    assertThat(manifest.path("replicas").asInt()).isEqualTo(2);
    assertThat(manifest.path("runtime_env"))
        .isEqualTo(Json.mapper().valueToTree(Map.of("BASE", "1", "MODE", "fast")));
    assertThat(manifest.path("jobtype_extra").path("entrypoint_path").asText())
        .isEqualTo("adder.py");
    assertThat(manifest.has("extends")).isFalse();
    assertThat(post.json().path("force").asBoolean()).isTrue();
    assertThat(post.json().path("build_flags"))
        .isEqualTo(Json.mapper().valueToTree(List.of("--no-cache")));
    assertThat(post.json().hasNonNull("build_context")).isFalse();
    assertThat(result.out()).doesNotContain("packed");
  }

  @Test
  void deploy_fromGit_withStoredCredentialsForTheOrg_sendsThemDecrypted() throws IOException {
    acceptDeployment(done());
    CliFixture.Result set =
        cli.run("set", "credentials", "https://github.com/example/", "bot", "ghp-secret");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(Files.readString(cli.configFile())).doesNotContain("ghp-secret").contains("bot");

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(deployBody().path("git_credentials").path("username").asText()).isEqualTo("bot");
    assertThat(deployBody().path("git_credentials").path("password").asText())
        .isEqualTo("ghp-secret");
  }

  @Test
  void deploy_fromGit_withCredentialsForAnotherRepo_sendsNone() {
    acceptDeployment(done());
    cli.run("set", "credentials", "https://github.com/example/adder-other", "bot", "t");

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(deployBody().path("git_credentials").isNull()).isTrue();
  }

  @Test
  void deploy_withoutFlags_sendsForceFalseNoBuildFlagsAndEmptySecrets() {
    acceptDeployment(done());

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode body = deployBody();
    assertThat(body.path("force").asBoolean(true)).isFalse();
    assertThat(body.path("build_flags").isArray()).isTrue();
    assertThat(body.path("build_flags")).isEmpty();
    assertThat(body.path("manifest").path("version").asText()).isEqualTo("1.0.0");
    assertThat(body.path("manifest").path("runtime_env"))
        .isEqualTo(Json.mapper().valueToTree(Map.of("BASE", "1", "MODE", "normal")));
    assertThat(body.path("secret_vars").path("build_env")).isEmpty();
    assertThat(body.path("secret_vars").path("runtime_env")).isEmpty();
  }

  @Test
  void deploy_withSecretEnvFiles_sendsTheirVariables() throws IOException {
    write(
        "job.yaml",
        """
        extends: base.yaml
        version: 1.0.0
        secret_build_env_file: secrets/build.env
        secret_runtime_env_file: runtime.env
        """);
    write("secrets/build.env", "# for pip\nexport PIP_TOKEN='abc 123'\n");
    write("runtime.env", "DB_PASSWORD=\"p=ss\"\nDB_USER = app\n");
    acceptDeployment(done());

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode secrets = deployBody().path("secret_vars");
    assertThat(secrets.path("build_env"))
        .isEqualTo(Json.mapper().valueToTree(Map.of("PIP_TOKEN", "abc 123")));
    assertThat(secrets.path("runtime_env"))
        .isEqualTo(Json.mapper().valueToTree(Map.of("DB_PASSWORD", "p=ss", "DB_USER", "app")));
    assertThat(deployBody().path("manifest").path("secret_runtime_env_file").asText())
        .isEqualTo("runtime.env");
  }

  @Test
  void deploy_withMissingSecretEnvFile_failsClearlyAndSendsNothing() throws IOException {
    write("job.yaml", "extends: base.yaml\nsecret_runtime_env_file: missing.env\n");

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "local");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: secret_runtime_env_file 'missing.env' does not exist (")
        .contains(jobDir.resolve("missing.env").toString());
    assertThat(result.out()).doesNotContain("packed");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deploy_withMalformedSecretEnvFile_failsNamingFileAndLine() throws IOException {
    write("job.yaml", "extends: base.yaml\nsecret_build_env_file: build.env\n");
    write("build.env", "A=1\nnot a variable\n");

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: " + jobDir.resolve("build.env") + ":2: expected KEY=VALUE\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- build context ---

  @Test
  void deploy_withLocalContext_uploadsDirectoryWithoutIgnoredFilesAndGit() throws IOException {
    write(
        ".gitignore",
        """
        # build output
        build/
        *.log
        !keep.log
        /root-only.txt
        """);
    write("debug.log", "noise");
    write("keep.log", "kept");
    write("root-only.txt", "ignored at the root");
    write("sub/root-only.txt", "kept below the root");
    write("sub/.gitignore", "secret.txt\n");
    write("sub/secret.txt", "ignored by the nested file");
    write("sub/ok.txt", "kept");
    write("secret.txt", "kept: the nested rule does not apply here");
    write("build/out.bin", "ignored");
    write("src/build", "a file named build is kept");
    write(".git/config", "[core]");
    write(".git/HEAD", "ref: refs/heads/main");
    write("vendor/lib/.git/config", "[core]");
    write("vendor/lib/code.py", "pass");
    acceptDeployment(done());

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "local");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("packed " + jobDir);
    Map<String, String> files = unpack(deployBody().path("build_context").asText());
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            ".gitignore",
            "adder.py",
            "base.yaml",
            "job.yaml",
            "keep.log",
            "secret.txt",
            "src/build",
            "sub/.gitignore",
            "sub/ok.txt",
            "sub/root-only.txt",
            "vendor/lib/code.py");
    assertThat(entryNames(deployBody().path("build_context").asText()))
        .contains("src/", "sub/", "vendor/", "vendor/lib/")
        .doesNotContain("build/", ".git/", "vendor/lib/.git/")
        .allSatisfy(name -> assertThat(name).doesNotContain(".git/"));
    assertThat(files).containsEntry("adder.py", "class Adder: pass\n");
    assertThat(files).containsEntry("sub/root-only.txt", "kept below the root");
  }

  @Test
  void deploy_withLocalContext_neverUploadsTheSecretEnvFiles() throws IOException {
    write(
        "job.yaml",
        "extends: base.yaml\nsecret_build_env_file: secrets/build.env\nsecret_runtime_env_file: runtime.env\n");
    write("secrets/build.env", "PIP_TOKEN=abc\n");
    write("runtime.env", "DB_PASSWORD=s3cret\n");
    acceptDeployment(done());

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "local");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Map<String, String> files = unpack(deployBody().path("build_context").asText());
    assertThat(files.keySet())
        .doesNotContain("secrets/build.env", "runtime.env")
        .contains("adder.py");
    assertThat(files.values())
        .noneMatch(content -> content.contains("s3cret") || content.contains("abc"));
    assertThat(deployBody().path("secret_vars").path("runtime_env").path("DB_PASSWORD").asText())
        .isEqualTo("s3cret");
  }

  @Test
  void deploy_withManifestFileAsWorkdir_packsItsDirectory() throws IOException {

    acceptDeployment(done());

    CliFixture.Result result =
        cli.run("deploy", jobDir.resolve("job.yaml").toString(), "--build-context", "local");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(unpack(deployBody().path("build_context").asText()).keySet())
        .containsExactlyInAnyOrder("adder.py", "base.yaml", "job.yaml");
  }

  @Test
  void deploy_withAutoContextAndLoopbackRemote_uploadsLocalContext() throws IOException {
    acceptDeployment(done());

    CliFixture.Result result = cli.run("deploy", jobDir.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(deployBody().path("build_context").asText()).isNotEmpty();
    assertThat(unpack(deployBody().path("build_context").asText())).containsKey("job.yaml");
  }

  @Test
  void deploy_withUnknownBuildContext_failsAndSendsNothing() {
    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "cloud");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: --build-context must be local, git or auto, got 'cloud'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "127.0.0.1, true",
    "127.0.0.2, true",
    "localhost, true",
    "[::1], true",
    "::1, true",
    "203.0.113.7, false",
    "10.0.0.1, false",
    "'', false",
  })
  void isLoopback_host_tellsWhetherItIsThisMachine(String host, boolean expected) {
    assertThat(JobUpload.isLoopback(host.isEmpty() ? null : host)).isEqualTo(expected);
  }

  // --- following the deployment ---

  @Test
  void deploy_whileInProgress_printsEachPhaseAndWarningOnceInOrder() {
    acceptDeployment(
        Response.json(deployment("dep-1", "in_progress", null, null, null, null)),
        Response.json(deployment("dep-1", "in_progress", "building image", null, null, null)),
        Response.json(
            deployment("dep-1", "in_progress", "building image", null, "slow registry", null)),
        Response.json(
            deployment(
                "dep-1", "in_progress", "deploying", null, "slow registry\nimage is large", null)),
        Response.json(
            deployment(
                "dep-1",
                "done",
                "deploying",
                null,
                "slow registry\nimage is large",
                job("adder", "1.0.0", "running", lifecycle.base() + "/pub/job/adder/1.0.0"))));

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("deploying adder v1.0.0 to " + lifecycle.url());
    assertThat(timedLines(lines)).containsExactly("building image", "deploying", "done");
    assertThat(lines.stream().filter(l -> l.startsWith("warning: ")).toList())
        .containsExactly("warning: slow registry", "warning: image is large");
    assertThat(lines.indexOf("warning: slow registry"))
        .isLessThan(lines.indexOf("warning: image is large"));
    assertThat(lines.getLast())
        .isEqualTo("job adder v1.0.0 is running: " + lifecycle.base() + "/pub/job/adder/1.0.0/");
    assertThat(lifecycle.apiRequests("GET", STATUS)).hasSize(5);
    assertThat(lifecycle.apiRequests("GET", STATUS).getFirst().header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void deploy_whenDeploymentFails_exitsWithItsError() {
    acceptDeployment(
        Response.json(deployment("dep-1", "in_progress", "building image", null, null, null)),
        Response.json(
            deployment(
                "dep-1",
                "failed",
                "building image",
                "image build failed: pip install exited with 1",
                null,
                null)));

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: deployment dep-1 failed: image build failed: pip install exited with 1\n");
    assertThat(timedLines(result.out().lines().toList()))
        .containsExactly("building image", "failed");
    assertThat(result.out()).doesNotContain("is running");
  }

  @Test
  void deploy_whenDoneWithoutJob_saysNoUrlWasReported() {
    acceptDeployment(Response.json(deployment("dep-1", "done", null, null, null, null)));

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().toList().getLast())
        .isEqualTo("job adder v1.0.0 is running: (no URL reported)");
  }

  @Test
  void deploy_whenServerRejectsRequest_printsServerMessageAndDoesNotPoll() {
    lifecycle.onApi(
        "POST", DEPLOY, Response.error(400, "job adder v1.0.0 already exists, use --force"));

    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "--build-context", "git");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job adder v1.0.0 already exists, use --force\n");
    assertThat(lifecycle.apiRequests("GET", STATUS)).isEmpty();
  }

  // --- refusals before anything is sent ---

  @Test
  void deploy_withInvalidManifest_namesKeysAndFileAndSendsNothing() throws IOException {
    write(
        "job.yaml",
        """
        extends: base.yaml
        name: Bad_Name
        replicas: 100
        colour: red
        """);

    CliFixture.Result result = cli.run("deploy", jobDir.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: invalid manifest " + jobDir.resolve("job.yaml"))
        .contains("name: 'Bad_Name'", "replicas: must be a whole number", "colour: unknown key");
    assertThat(result.out()).isEmpty();
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deploy_withExtraVarBreakingManifest_failsAndSendsNothing() {
    CliFixture.Result result = cli.run("deploy", jobDir.toString(), "-e", "version=latest");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("version: 'latest' is not a valid SemVer");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deploy_withoutManifest_failsNamingDirectory() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));

    CliFixture.Result result = cli.run("deploy", empty.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no job.yaml found in " + empty + "\n");
  }

  @Test
  void deploy_withoutToken_failsTellingToLogInBeforePacking() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("deploy", jobDir.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("missing auth token for " + lifecycle.url(), "racetrack login");
    assertThat(result.out()).doesNotContain("packed");
    assertThat(lifecycle.requests()).isEmpty();
  }

  private static List<String> timedLines(List<String> lines) {
    List<String> timed = new ArrayList<>();
    for (String line : lines) {
      Matcher m = TIMED_LINE.matcher(line);
      if (m.matches()) {
        timed.add(m.group(1));
      }
    }
    return timed;
  }

  /** Regular files of a base64 .tar.gz, by path, with their text. */
  private static Map<String, String> unpack(String base64) throws IOException {
    Map<String, String> files = new TreeMap<>();
    readArchive(
        base64,
        (entry, text) -> {
          if (!entry.isDirectory()) {
            files.put(entry.getName(), text);
          }
        });
    return files;
  }

  /** Names of every entry (directories end with a slash). */
  private static List<String> entryNames(String base64) throws IOException {
    List<String> names = new ArrayList<>();
    readArchive(base64, (entry, text) -> names.add(entry.getName()));
    return names;
  }

  private static void readArchive(String base64, BiConsumer<TarArchiveEntry, String> each)
      throws IOException {
    try (InputStream gz =
            new GzipCompressorInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          each.accept(entry, "");
        } else {
          each.accept(entry, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
  }
}
