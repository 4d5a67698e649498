package dev.racetrack.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobStartException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerPlanTest {
  private static final DockerConfig HOST =
      DockerConfig.fromEnv(Map.of("DOCKER_TARGET_NETWORK", "host"));
  private static final DockerConfig PRIVATE = DockerConfig.fromEnv(Map.of());

  private static Manifest manifest(Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", "adder");
    raw.put("version", "1.2.0");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.putAll(extra);
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private static JobProvision provision(Manifest manifest, Map<String, String> secrets) {
    return new JobProvision(
        manifest,
        "registry.example/racetrack/adder@sha256:abc",
        1700000000,
        Map.of("JOB_NAME", "adder", "AUTH_TOKEN", "tok", "RACETRACK_JOB_CALL_SECRET", "call"),
        Map.of("GREETING", "hi"),
        secrets,
        Duration.ofSeconds(5));
  }

  @Test
  void of_withSecrets_keepsThemAndTheReservedSecretsOutOfThePlainEnvironment() {
    ContainerPlan plan =
        ContainerPlan.of(
            "docker",
            provision(manifest(Map.of()), Map.of("DB_PASSWORD", "pw")),
            0,
            40000,
            HOST,
            List.of("python3", "job.py"));

    assertThat(plan.env())
        .contains(
            "JOB_NAME=adder",
            "GREETING=hi",
            "PORT=40000",
            "JOB_HTTP_PORT=40000",
            "JOB_HTTP_ADDR=127.0.0.1")
        .noneMatch(
            e ->
                e.startsWith("DB_PASSWORD")
                    || e.startsWith("AUTH_TOKEN")
                    || e.startsWith("RACETRACK_JOB_CALL_SECRET"));
    assertThat(plan.secretEnv())
        .containsOnlyKeys("DB_PASSWORD", "AUTH_TOKEN", "RACETRACK_JOB_CALL_SECRET");
    assertThat(plan.entrypoint()).endsWith("python3", "job.py").startsWith("/bin/sh", "-c");
    assertThat(plan.labels())
        .containsEntry("racetrack/job", "true")
        .containsEntry("racetrack/job-name", "adder")
        .containsEntry("racetrack/job-version", "1.2.0")
        .containsEntry("racetrack/host-port", "40000");
    assertThat(plan.toString()).doesNotContain("pw");
  }

  @Test
  void of_onAPrivateNetwork_listensOnTheContainerPortOnAllInterfaces() {
    ContainerPlan plan =
        ContainerPlan.of(
            "docker", provision(manifest(Map.of()), Map.of()), 1, 40001, PRIVATE, List.of("x"));

    assertThat(plan.env()).contains("PORT=7000", "JOB_HTTP_ADDR=0.0.0.0");
    assertThat(plan.hostPort()).isEqualTo(40001);
    assertThat(plan.name()).endsWith("-1");
  }

  @Test
  void of_aJobWithoutTheWrapper_onTheHostNetwork_listensOnItsDeclaredPortInItsOwnNamespace() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("jobtype", "docker-image:latest");
    raw.put("jobtype_extra", Map.of("image", "registry.example/team/adder:1.0", "port", 7100));
    ContainerPlan plan =
        ContainerPlan.of(
            "docker", provision(manifest(raw), Map.of()), 0, 40002, HOST, List.of("x"));

    assertThat(plan.env())
        .as("behind its relay the job owns its namespace's loopback: no host port to share")
        .contains("PORT=7100", "JOB_HTTP_ADDR=127.0.0.1");
  }

  @Test
  void of_withResources_setsLimitsFromTheManifest() {
    ContainerPlan plan =
        ContainerPlan.of(
            "docker",
            provision(
                manifest(
                    Map.of(
                        "resources",
                        Map.of("memory_max", "256Mi", "memory_min", "128Mi", "cpu_max", "250m"))),
                Map.of()),
            0,
            1,
            HOST,
            List.of("x"));

    assertThat(plan.memoryBytes()).isEqualTo(256L << 20);
    assertThat(plan.memoryReservationBytes()).isEqualTo(128L << 20);
    assertThat(plan.nanoCpus()).isEqualTo(250_000_000L);
  }

  @Test
  void of_withoutResources_usesOneGibAndOneCpu() {
    ContainerPlan plan =
        ContainerPlan.of(
            "docker", provision(manifest(Map.of()), Map.of()), 0, 1, HOST, List.of("x"));

    assertThat(plan.memoryBytes()).isEqualTo(1L << 30);
    assertThat(plan.nanoCpus()).isEqualTo(1_000_000_000L);
  }

  @Test
  void of_whenTheImageHasNoCommand_fails() {
    assertThatThrownBy(
            () ->
                ContainerPlan.of(
                    "docker", provision(manifest(Map.of()), Map.of()), 0, 1, HOST, List.of()))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("neither an entrypoint nor a command");
  }

  @Test
  void secretsFile_quotesValuesForTheShell() {
    ContainerPlan plan =
        ContainerPlan.of(
            "docker",
            provision(manifest(Map.of()), Map.of("A", "it's $HOME `x`")),
            0,
            1,
            HOST,
            List.of("x"));

    assertThat(plan.secretsFile()).contains("A='it'\\''s $HOME `x`'\n");
  }

  @Test
  void fromEnv_withARootUser_isRefused() {
    assertThatThrownBy(
            () ->
                DockerConfig.fromEnv(
                    Map.of("DOCKER_REGISTRY", "127.0.0.1:5000", "DOCKER_REGISTRY_USERNAME", "bot")))
        .as("the target reads the registry as the image builder does: credentials come in pairs")
        .hasMessageContaining("DOCKER_REGISTRY_PASSWORD is missing");
    assertThatThrownBy(() -> DockerConfig.fromEnv(Map.of("DOCKER_TARGET_USER", "0:0")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DOCKER_TARGET_USER");
  }
}
