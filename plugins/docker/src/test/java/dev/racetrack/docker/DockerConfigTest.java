package dev.racetrack.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.config.BaseImages;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #7 §1: which jobs the Docker target puts behind a relay, and with which image. */
class DockerConfigTest {

  private static Manifest manifest(String jobtype, Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", "adder");
    raw.put("version", "1.2.0");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", jobtype);
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", extra);
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private static final Manifest PYTHON = manifest("python3:latest", Map.of());
  private static final Manifest JAVA =
      manifest("java:latest", Map.of("entrypoint_path", "Adder.java"));
  private static final Manifest DOCKERFILE =
      manifest("dockerfile:latest", Map.of("dockerfile_path", "Dockerfile"));
  private static final Manifest IMAGE =
      manifest("docker-image:latest", Map.of("image", "registry.example/team/adder:1.0"));
  private static final Manifest PLUGIN_TYPE = manifest("rust:1.0.0", Map.of());

  @Test
  void relay_byDefault_coversEveryJobTypeWithoutThePlatformsWrapper() {
    DockerConfig config = DockerConfig.fromEnv(Map.of());

    assertThat(config.relay()).isEqualTo(DockerConfig.Relay.AUTO);
    assertThat(config.relayImageFor(DOCKERFILE)).contains(BaseImages.DEFAULT_PYTHON3);
    assertThat(config.relayImageFor(IMAGE)).contains(BaseImages.DEFAULT_PYTHON3);
    assertThat(config.relayImageFor(PLUGIN_TYPE)).contains(BaseImages.DEFAULT_PYTHON3);
    assertThat(config.relayImageFor(PYTHON))
        .as("the wrapper checks the call secret and the job keeps its network")
        .isEmpty();
    assertThat(config.relayImageFor(JAVA)).isEmpty();
  }

  @Test
  void relayImage_defaultsToThePython3BaseImage_andItsOwnVariableWins() {
    assertThat(
            DockerConfig.fromEnv(Map.of("PYTHON3_BASE_IMAGE", "127.0.0.1:5000/base/python:3.11"))
                .relayImageFor(IMAGE))
        .contains("127.0.0.1:5000/base/python:3.11");
    assertThat(
            DockerConfig.fromEnv(
                    Map.of(
                        "PYTHON3_BASE_IMAGE", "127.0.0.1:5000/base/python:3.11",
                        "DOCKER_TARGET_RELAY_IMAGE", "127.0.0.1:5000/relay:1"))
                .relayImageFor(IMAGE))
        .contains("127.0.0.1:5000/relay:1");
  }

  @Test
  void relay_all_coversWrappedJobsToo_andOff_coversNone() {
    DockerConfig all = DockerConfig.fromEnv(Map.of("DOCKER_TARGET_RELAY", "all"));
    DockerConfig off = DockerConfig.fromEnv(Map.of("DOCKER_TARGET_RELAY", "OFF"));

    assertThat(all.relayImageFor(PYTHON)).isPresent();
    assertThat(all.relayImageFor(IMAGE)).isPresent();
    assertThat(off.relayImageFor(PYTHON)).isEmpty();
    assertThat(off.relayImageFor(IMAGE)).isEmpty();
  }

  @Test
  void relay_withAnUnknownValue_isRefusedNamingTheVariable() {
    assertThatThrownBy(() -> DockerConfig.fromEnv(Map.of("DOCKER_TARGET_RELAY", "sometimes")))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "environment variable DOCKER_TARGET_RELAY must be auto, all or off, got 'sometimes'");
  }
}
