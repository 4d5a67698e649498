package dev.racetrack.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManifestValidatorTest {
  private final ManifestValidator validator = new ManifestValidator();

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "adder");
    m.put("owner_email", "dev@example.com");
    m.put("jobtype", "python3:latest");
    m.put("git", Map.of("remote", "https://github.com/example/adder"));
    return m;
  }

  @Test
  void validate_minimal_appliesDefaults() {
    Manifest m = validator.validate(minimal(), "job.yaml").manifest();
    assertThat(m.version()).isEqualTo("0.0.1");
    assertThat(m.replicas()).isEqualTo(1);
    assertThat(m.imageType()).isEqualTo("docker");
    assertThat(m.git().directory()).isEqualTo(".");
    assertThat(m.jobtypeName()).isEqualTo("python3");
    assertThat(m.resourceName()).isEqualTo("job-adder-v-0-0-1");
  }

  @Test
  void validate_fullManifest_keepsEveryField() {
    Map<String, Object> raw = minimal();
    raw.put("version", "1.2.3");
    raw.put("git", Map.of("remote", "https://x/y", "branch", "main", "directory", "jobs/adder"));
    raw.put("build_env", Map.of("PIP_INDEX", "x"));
    raw.put("runtime_env", Map.of("MODE", 3));
    raw.put("labels", Map.of("team", "a"));
    raw.put("public_endpoints", List.of("/api/v1/perform", "metrics"));
    raw.put("replicas", 2);
    raw.put(
        "resources",
        Map.of("memory_min", "128Mi", "memory_max", "1Gi", "cpu_min", "10m", "cpu_max", "1"));
    raw.put("jobtype_extra", Map.of("entrypoint_path", "adder.py"));
    raw.put("system_dependencies", List.of("libpq5"));
    raw.put("infrastructure_target", "local");
    Manifest m = validator.validate(raw, "job.yaml").manifest();
    assertThat(m.runtimeEnv()).containsEntry("MODE", "3");
    assertThat(m.publicEndpoints()).containsExactly("/api/v1/perform", "/metrics");
    assertThat(m.resources().memoryMax()).isEqualTo("1Gi");
    assertThat(m.jobtypeExtraString("entrypoint_path")).contains("adder.py");
    Manifest roundTrip =
        validator.validate(ManifestFiles.parseYaml(m.toYaml(), "yaml"), "yaml").manifest();
    assertThat(roundTrip).isEqualTo(m);
  }

  @Test
  void toYaml_keepsTextThatLooksLikeNumbersOrBooleansAsText() {
    Map<String, Object> raw = minimal();
    raw.put(
        "runtime_env", Map.of("RATIO", "1.10", "FLAG", "true", "NOTHING", "null", "OCTAL", "0755"));
    Manifest m = validator.validate(raw, "job.yaml").manifest();
    Manifest back =
        validator.validate(ManifestFiles.parseYaml(m.toYaml(), "yaml"), "yaml").manifest();
    assertThat(back.runtimeEnv()).isEqualTo(m.runtimeEnv());
  }

  @Test
  void validate_unknownKey_namesKeyAndFile() {
    Map<String, Object> raw = minimal();
    raw.put("nmae", "x");
    assertThatThrownBy(() -> validator.validate(raw, "samples/adder/job.yaml"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("samples/adder/job.yaml")
        .hasMessageContaining("nmae: unknown key");
  }

  @Test
  void validate_unknownNestedKey_isRejected() {
    Map<String, Object> raw = minimal();
    raw.put("git", Map.of("remote", "https://x", "brnch", "main"));
    assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
        .hasMessageContaining("git.brnch: unknown key in git");
  }

  @Test
  void validate_reportsEveryProblemAtOnce() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("name", "Bad_Name");
    raw.put("owner_email", "nobody");
    raw.put("version", "1.0");
    raw.put("git", Map.of("remote", "git@github.com:x/y.git"));
    raw.put("replicas", 0);
    raw.put("resources", Map.of("memory_min", "2Gi", "memory_max", "1Gi", "cpu_max", "lots"));
    assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
        .hasMessageContaining("name: 'Bad_Name' must consist of lower case letters")
        .hasMessageContaining("owner_email: 'nobody' is not an email address")
        .hasMessageContaining("version: '1.0' is not a valid SemVer")
        .hasMessageContaining("git.remote: 'git@github.com:x/y.git' must start with [https://]")
        .hasMessageContaining("jobtype: is required")
        .hasMessageContaining("replicas: must be a whole number from 1 to 50")
        .hasMessageContaining("resources.memory_min: must not be greater than resources.memory_max")
        .hasMessageContaining("resources.cpu_max: 'lots' is not a Kubernetes quantity");
  }

  @Test
  void validate_missingRequiredFields() {
    assertThatThrownBy(() -> validator.validate(Map.of(), "job.yaml"))
        .hasMessageContaining("name: is required")
        .hasMessageContaining("owner_email: is required")
        .hasMessageContaining("git: is required");
  }

  @Test
  void validate_deprecatedKeys_translateWithWarnings() {
    Map<String, Object> raw = minimal();
    raw.remove("jobtype");
    raw.put("lang", "python3:1.0.0");
    raw.put("python", Map.of("entrypoint_path", "a.py"));
    ValidatedManifest result = validator.validate(raw, "job.yaml");
    assertThat(result.manifest().jobtype()).isEqualTo("python3:1.0.0");
    assertThat(result.manifest().jobtypeExtra()).containsEntry("entrypoint_path", "a.py");
    assertThat(result.warnings()).hasSize(2).allMatch(w -> w.contains("deprecated"));
  }

  @Test
  void validate_gitDirectoryOutsideRepository_isRejected() {
    Map<String, Object> raw = minimal();
    raw.put("git", Map.of("remote", "https://x", "directory", "../etc"));
    assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
        .hasMessageContaining("git.directory");
  }

  @Test
  void validate_extraSchemes_whenAllowed() {
    Map<String, Object> raw = minimal();
    raw.put("git", Map.of("remote", "file:///tmp/repo"));
    assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
        .hasMessageContaining("git.remote");
    assertThat(
            new ManifestValidator(Set.of("https", "file"))
                .validate(raw, "job.yaml")
                .manifest()
                .git()
                .remote())
        .isEqualTo("file:///tmp/repo");
  }

  @Test
  void validate_badEnvName_isRejected() {
    Map<String, Object> raw = minimal();
    raw.put("runtime_env", Map.of("BAD-NAME", "x"));
    assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
        .hasMessageContaining("runtime_env.BAD-NAME: is not a valid environment variable name");
  }

  @Test
  void validate_callTimeout_acceptsSecondsAndUnits() {
    for (Object[] c :
        new Object[][] {{90, 90}, {"90s", 90}, {"5m", 300}, {"2h", 7200}, {"45", 45}}) {
      Map<String, Object> raw = minimal();
      raw.put("call_timeout", c[0]);
      Manifest m = validator.validate(raw, "job.yaml").manifest();
      assertThat(m.callTimeout()).as("%s", c[0]).isEqualTo(c[1]);
      assertThat(m.callTimeoutDuration()).hasValue(java.time.Duration.ofSeconds((Integer) c[1]));
    }
    assertThat(validator.validate(minimal(), "job.yaml").manifest().callTimeoutDuration())
        .isEmpty();
  }

  @Test
  void validate_badCallTimeout_namesTheField() {
    for (Object bad : List.of(0, -3, "5d", "soon", 86_401, "25h", 1.5)) {
      Map<String, Object> raw = minimal();
      raw.put("call_timeout", bad);
      assertThatThrownBy(() -> validator.validate(raw, "job.yaml"))
          .as("%s", bad)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("call_timeout")
          .hasMessageContaining("must be from 1 second to 24 hours");
    }
  }

  @Test
  void callTimeout_survivesTheCanonicalYaml() {
    Map<String, Object> raw = minimal();
    raw.put("call_timeout", "2m");
    Manifest m = validator.validate(raw, "job.yaml").manifest();
    assertThat(m.toYaml()).contains("call_timeout: 120");
    assertThat(m.toMap()).containsEntry("call_timeout", 120);
  }

  @Test
  void validate_withThePlatformsResourcePolicy_refusesMemoryAboveItsCeiling() {
    Map<String, Object> raw = minimal();
    raw.put("resources", Map.of("memory_max", "16Gi"));
    assertThat(validator.validate(raw, "job.yaml").manifest().resources().memoryMax())
        .as("without a policy (the CLI) only the manifest's own consistency is checked")
        .isEqualTo("16Gi");
    ManifestValidator platform = validator.withResourcePolicy(ResourcePolicy.defaults());
    assertThatThrownBy(() -> platform.validate(raw, "job.yaml"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("job.yaml")
        .hasMessageContaining("resources.memory_max: 16Gi is more than this platform allows")
        .hasMessageContaining("8Gi");
    raw.put("resources", Map.of("memory_max", "2Gi"));
    assertThat(platform.validate(raw, "job.yaml").manifest().resources().memoryMax())
        .as("the manifest keeps what was written; targets get the effective values")
        .isEqualTo("2Gi");
  }
}
