package dev.racetrack.python3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The python3 options the original accepts that this platform cannot honour as such: refused or
 * checked, never silently ignored (memray_profiler, python_version, home_page).
 */
class Python3ManifestOptionsTest {
  @TempDir Path tmp;
  private final Python3JobType jobType = new Python3JobType();

  private static Manifest manifest(Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", "adder");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/adder.git"));
    Map<String, Object> withEntry = new HashMap<>(extra);
    withEntry.put("entrypoint_path", "adder.py");
    raw.put("jobtype_extra", withEntry);
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  @Test
  void validate_memrayProfilerOn_isRefusedNamingIt() {
    assertThatThrownBy(() -> jobType.validate(manifest(Map.of("memray_profiler", true))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("jobtype_extra.memray_profiler")
        .hasMessageContaining("not supported");
    jobType.validate(manifest(Map.of("memray_profiler", false)));
  }

  @Test
  void validate_debianOptions_areRefusedNamingThem() {
    for (Map.Entry<String, Object> option :
        List.<Map.Entry<String, Object>>of(
            Map.entry("debian_version", "slim-bullseye"), Map.entry("debian_backports", true))) {
      assertThatThrownBy(() -> jobType.validate(manifest(Map.ofEntries(option))))
          .as(option.getKey())
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("jobtype_extra." + option.getKey())
          .hasMessageContaining("not supported");
    }
  }

  @Test
  void validate_homePage_mustBeAPathOfTheJob() {
    jobType.validate(manifest(Map.of("home_page", "/api/v1/webview")));
    for (String bad : List.of("docs", "https://evil.example.com", "//evil.example.com")) {
      assertThatThrownBy(() -> jobType.validate(manifest(Map.of("home_page", bad))))
          .as(bad)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("jobtype_extra.home_page");
    }
  }

  @Test
  void validate_pythonVersion_mustLookLikeOne_andUnquoted310IsExplained() {
    jobType.validate(manifest(Map.of("python_version", "3.11")));
    jobType.validate(manifest(Map.of("python_version", 3.9)));
    assertThatThrownBy(() -> jobType.validate(manifest(Map.of("python_version", "three"))))
        .hasMessageContaining("jobtype_extra.python_version: 'three'");
    assertThatThrownBy(() -> jobType.validate(manifest(Map.of("python_version", 3.10))))
        .hasMessageContaining("write it quoted");
  }

  @Test
  void requirePythonVersion_matchesMajorMinorOrExact_elseFailsNamingBoth() {
    Python3JobType.requirePythonVersion(Optional.empty(), "3.11.9");
    Python3JobType.requirePythonVersion(Optional.of("3.11"), "3.11.9");
    Python3JobType.requirePythonVersion(Optional.of("3.11.9"), "3.11.9");
    assertThatThrownBy(() -> Python3JobType.requirePythonVersion(Optional.of("3.1"), "3.11.9"))
        .isInstanceOf(BuildException.class);
    assertThatThrownBy(() -> Python3JobType.requirePythonVersion(Optional.of("3.9"), "3.11.9"))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("jobtype_extra.python_version 3.9 was asked for")
        .hasMessageContaining("Python 3.11.9")
        .hasMessageContaining("ask for 3.11");
  }

  @Test
  void buildLocal_askingForAPythonTheMachineLacks_failsInsteadOfRunningAnother()
      throws IOException {
    Tools.require("python3");
    Path source = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(
        source.resolve("adder.py"), "class Adder:\n    def perform(self):\n        return 1\n");
    Path artifact = Files.createDirectories(tmp.resolve("artifact"));
    assertThatThrownBy(
            () ->
                jobType.buildLocal(
                    new JobBuild(
                        manifest(Map.of("python_version", "3.2")),
                        source,
                        artifact,
                        Map.of(),
                        Map.of(
                            "PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")),
                        BuildProgress.discard(),
                        Sandbox.create(
                            Sandbox.Mode.NONE,
                            List.of(tmp.resolve("data")),
                            p -> Sandbox.onPath(System.getenv(), p)))))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("jobtype_extra.python_version 3.2 was asked for");
  }
}
