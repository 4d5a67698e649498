package dev.racetrack.python3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Python3JobTypeTest {
  @TempDir Path tmp;
  private final Python3JobType jobType = new Python3JobType();

  /** The sandbox builds run in ({@code bwrap}; tests running build steps require it). */
  private Sandbox sandbox() {
    return Sandbox.create(
        Sandbox.Mode.BWRAP, List.of(tmp.resolve("data")), p -> Sandbox.onPath(System.getenv(), p));
  }

  private static Manifest manifest(Map<String, Object> extra) {
    return manifest(extra, Map.of());
  }

  private static Manifest manifest(Map<String, Object> extra, Map<String, Object> topLevel) {
    Map<String, Object> raw = new HashMap<>(topLevel);
    raw.put("name", "adder");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", extra);
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  @Test
  void validate_requiresEntrypointAndRejectsUnknownKeys() {
    assertThatThrownBy(() -> jobType.validate(manifest(Map.of())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("jobtype_extra.entrypoint_path: is required");
    assertThatThrownBy(
            () ->
                jobType.validate(
                    manifest(Map.of("entrypoint_path", "a.py", "entrypoint_klass", "X"))))
        .hasMessageContaining("jobtype_extra.entrypoint_klass: unknown key");
    assertThatThrownBy(
            () ->
                jobType.validate(
                    manifest(Map.of("entrypoint_path", "a.py", "max_concurrency", -1))))
        .hasMessageContaining("max_concurrency: must be a positive whole number");
    jobType.validate(manifest(Map.of("entrypoint_path", "adder.py", "entrypoint_class", "Adder")));
  }

  @Test
  void buildLocal_withoutRequirements_copiesJobAndWrapper() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(
        source.resolve("adder.py"),
        "class Adder:\n    def perform(self, a, b):\n        return a + b\n");
    Files.createDirectories(source.resolve(".git"));
    Path artifact = Files.createDirectories(tmp.resolve("artifact"));
    LaunchSpec spec =
        jobType.buildLocal(
            new JobBuild(
                manifest(Map.of("entrypoint_path", "adder.py", "max_concurrency", 4)),
                source,
                artifact,
                Map.of(),
                Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")),
                BuildProgress.discard(),
                sandbox()));
    assertThat(artifact.resolve("job/adder.py")).exists();
    assertThat(artifact.resolve("job/.git")).doesNotExist();
    assertThat(artifact.resolve("wrapper/racetrack_job_wrapper/__main__.py")).exists();
    assertThat(spec.command()).contains("racetrack_job_wrapper", "run", "adder.py");
    assertThat(Path.of(spec.command().getFirst())).isAbsolute();
    assertThat(spec.env())
        .containsEntry("PYTHONPATH", LaunchSpec.ARTIFACT + "/wrapper")
        .containsEntry("JOB_MAX_CONCURRENCY", "4");
    assertThat(spec.workingDir()).isEqualTo("job");
  }

  @Test
  void buildLocal_withCallTimeout_passesItToTheWrapperInSeconds() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src-timeout"));
    Files.writeString(
        source.resolve("a.py"), "class A:\n    def perform(self):\n        return 1\n");
    Map<String, String> tools =
        Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"));
    LaunchSpec withTimeout =
        jobType.buildLocal(
            new JobBuild(
                manifest(Map.of("entrypoint_path", "a.py"), Map.of("call_timeout", "2m")),
                source,
                Files.createDirectories(tmp.resolve("artifact-timeout")),
                Map.of(),
                tools,
                BuildProgress.discard(),
                sandbox()));
    assertThat(withTimeout.env()).containsEntry("JOB_CALL_TIMEOUT", "120");
    LaunchSpec without =
        jobType.buildLocal(
            new JobBuild(
                manifest(Map.of("entrypoint_path", "a.py")),
                source,
                Files.createDirectories(tmp.resolve("artifact-no-timeout")),
                Map.of(),
                tools,
                BuildProgress.discard(),
                sandbox()));
    assertThat(without.env()).doesNotContainKey("JOB_CALL_TIMEOUT");
  }

  @Test
  void buildLocal_missingEntrypointFile_failsWithClearMessage() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src2"));
    assertThatThrownBy(
            () ->
                jobType.buildLocal(
                    new JobBuild(
                        manifest(Map.of("entrypoint_path", "missing.py")),
                        source,
                        Files.createDirectories(tmp.resolve("a2")),
                        Map.of(),
                        Map.of(),
                        BuildProgress.discard(),
                        sandbox())))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("entrypoint_path 'missing.py' does not exist");
  }

  @Test
  void buildLocal_entrypointOutsideJob_isRefused() {
    assertThatThrownBy(
            () ->
                jobType.buildLocal(
                    new JobBuild(
                        manifest(Map.of("entrypoint_path", "../../etc/x.py")),
                        tmp,
                        tmp.resolve("a3"),
                        Map.of(),
                        Map.of(),
                        BuildProgress.discard(),
                        sandbox())))
        .hasMessageContaining("must be a path inside the job directory");
  }

  @Test
  void buildLocal_failingRequirements_reportsPipOutput() throws IOException {
    Tools.require("bwrap");
    Path source = Files.createDirectories(tmp.resolve("src4"));
    Files.writeString(
        source.resolve("a.py"), "class A:\n    def perform(self):\n        return 1\n");
    Files.writeString(
        source.resolve("requirements.txt"), "this-package-does-not-exist-anywhere==0.0.0\n");
    Map<String, String> tools =
        new HashMap<>(
            Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")));
    tools.put("PIP_INDEX_URL", "file:///nonexistent-index");
    assertThatThrownBy(
            () ->
                jobType.buildLocal(
                    new JobBuild(
                        manifest(
                            Map.of(
                                "entrypoint_path",
                                "a.py",
                                "requirements_path",
                                "requirements.txt")),
                        source,
                        Files.createDirectories(tmp.resolve("a4")),
                        Map.of(),
                        tools,
                        BuildProgress.discard(),
                        sandbox())))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("installing requirements from requirements.txt failed");
    assertThat(List.of(tmp.resolve("a4").toFile().list())).contains("venv");
  }

  @Test
  void buildLocal_requirementsReferencingTheAuthKey_neverShowTheKey() throws IOException {
    Tools.require("bwrap");
    // The image builder's layout: DATA/keys beside DATA/workspaces/<deployment>/<job dir>.
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path key = Files.createDirectories(data.resolve("keys")).resolve("auth_key");
    Files.writeString(key, "TOPSECRETKEYMATERIAL\n");
    Path source = Files.createDirectories(data.resolve("workspaces/d1"));
    Files.writeString(
        source.resolve("a.py"), "class A:\n    def perform(self):\n        return 1\n");
    Files.writeString(source.resolve("requirements.txt"), "-r ../../keys/auth_key\n");
    Files.writeString(source.resolve("absolute.txt"), "-r " + key + "\n");
    Map<String, String> tools =
        new HashMap<>(
            Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")));
    tools.put("PIP_INDEX_URL", "file:///nonexistent-index");

    for (String requirements : List.of("requirements.txt", "absolute.txt")) {
      List<String> log = new CopyOnWriteArrayList<>();
      Path artifact = Files.createDirectories(data.resolve("artifacts/a/" + requirements));
      assertThatThrownBy(
              () ->
                  jobType.buildLocal(
                      new JobBuild(
                          manifest(
                              Map.of("entrypoint_path", "a.py", "requirements_path", requirements)),
                          source,
                          artifact,
                          Map.of(),
                          tools,
                          logTo(log),
                          sandbox())))
          .isInstanceOf(BuildException.class)
          .hasMessageNotContaining("TOPSECRET");
      assertThat(String.join("\n", log)).contains("auth_key").doesNotContain("TOPSECRET");
    }
  }

  /**
   * Installed requirements are checked with {@code pip check} (the original's {@code
   * check_requirements}, on by default); {@code check_requirements: false} skips the check.
   */
  @Test
  void buildLocal_withRequirements_checksThemUnlessTheManifestSaysNot() throws IOException {
    Tools.require("bwrap");
    Path wheels = Files.createDirectories(tmp.resolve("wheels"));
    writeWheel(wheels.resolve("tinypkg-1.0-py3-none-any.whl"));
    Path source = Files.createDirectories(tmp.resolve("src-check"));
    Files.writeString(
        source.resolve("a.py"), "class A:\n    def perform(self):\n        return 1\n");
    Files.writeString(source.resolve("requirements.txt"), "tinypkg==1.0\n");
    Map<String, String> tools =
        new HashMap<>(
            Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")));
    tools.put("PIP_NO_INDEX", "1");
    tools.put("PIP_FIND_LINKS", wheels.toString());

    for (Boolean check : java.util.Arrays.asList(null, true, false)) {
      Map<String, Object> extra = new HashMap<>();
      extra.put("entrypoint_path", "a.py");
      extra.put("requirements_path", "requirements.txt");
      if (check != null) {
        extra.put("check_requirements", check);
      }
      List<String> log = new CopyOnWriteArrayList<>();
      jobType.buildLocal(
          new JobBuild(
              manifest(extra),
              source,
              Files.createDirectories(tmp.resolve("a-check-" + check)),
              Map.of(),
              tools,
              logTo(log),
              sandbox()));
      String all = String.join("\n", log);
      assertThat(all).as("check_requirements: " + check).contains("tinypkg");
      if (Boolean.FALSE.equals(check)) {
        assertThat(all).doesNotContain("pip check").doesNotContain("No broken requirements");
      } else {
        assertThat(all)
            .as("check_requirements: " + check)
            .contains("checking the installed requirements (pip check")
            .contains("No broken requirements found");
      }
    }
    assertThatThrownBy(
            () ->
                jobType.validate(
                    manifest(Map.of("entrypoint_path", "a.py", "check_requirements", "yes"))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("jobtype_extra.check_requirements");
  }

  /** A minimal pure-python wheel without dependencies. */
  private static void writeWheel(Path wheel) throws IOException {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put("tinypkg/__init__.py", "VALUE = 1\n");
    files.put(
        "tinypkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n");
    files.put(
        "tinypkg-1.0.dist-info/WHEEL",
        "Wheel-Version: 1.0\nGenerator: racetrack-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
    StringBuilder record = new StringBuilder();
    files.keySet().forEach(name -> record.append(name).append(",,\n"));
    record.append("tinypkg-1.0.dist-info/RECORD,,\n");
    files.put("tinypkg-1.0.dist-info/RECORD", record.toString());
    try (java.util.zip.ZipOutputStream zip =
        new java.util.zip.ZipOutputStream(Files.newOutputStream(wheel))) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  /** A progress that keeps every phase, warning and log line (shared by this package's tests). */
  static BuildProgress logTo(List<String> lines) {
    return new BuildProgress() {
      @Override
      public void phase(String phase) {
        lines.add(phase);
      }

      @Override
      public void warning(String warning) {
        lines.add(warning);
      }

      @Override
      public void log(String line) {
        lines.add(line);
      }
    };
  }

  @Test
  void localIndexes_takesFileUrlsAndAbsolutePaths() throws IOException {
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    Path wheels = Files.createDirectories(tmp.resolve("wheels"));

    assertThat(
            Python3JobType.localIndexes(
                Map.of(
                    "PIP_INDEX_URL",
                    mirror.toUri().toString(),
                    "PIP_FIND_LINKS",
                    wheels + " https://example.com/wheels",
                    "PIP_EXTRA_INDEX_URL",
                    "file:///nonexistent-index")))
        .containsExactlyInAnyOrder(mirror, wheels);
  }

  @Test
  void localIndexes_simpleIndex_mountsTheMirrorWithItsFiles() throws IOException {
    // A PEP 503 mirror: simple/<project>/index.html links to ../../files/<wheel>.
    Path simple = Files.createDirectories(tmp.resolve("pypi/simple"));
    Files.createDirectories(tmp.resolve("pypi/files"));

    assertThat(Python3JobType.localIndexes(Map.of("PIP_INDEX_URL", simple.toUri().toString())))
        .containsExactly(tmp.resolve("pypi"));
  }
}
