package dev.racetrack.lifecycle.imageregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void fromEnv_defaults_keepTenAndNoSchedule() {
    RegistryConfig config = RegistryConfig.fromEnv(Map.of());

    assertThat(config.keep()).isEqualTo(10);
    assertThat(config.interval()).isEmpty();
    assertThat(config.jobRepositoryPrefix()).isEqualTo("racetrack/job-entrypoint/");
  }

  @Test
  void fromEnv_interval_schedulesTheClean() {
    RegistryConfig config =
        RegistryConfig.fromEnv(
            Map.of("DOCKER_REGISTRY", "r.example.com", "REGISTRY_CLEAN_INTERVAL_MINUTES", "1440"));

    assertThat(config.interval()).contains(Duration.ofDays(1));
  }

  @Test
  void fromEnv_intervalWithoutRegistry_namesBothVariables() {
    assertThatThrownBy(
            () -> RegistryConfig.fromEnv(Map.of("REGISTRY_CLEAN_INTERVAL_MINUTES", "60")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("REGISTRY_CLEAN_INTERVAL_MINUTES")
        .hasMessageContaining("DOCKER_REGISTRY");
  }

  @Test
  void fromEnv_negativeKeep_namesTheVariable() {
    assertThatThrownBy(() -> RegistryConfig.fromEnv(Map.of("REGISTRY_CLEAN_KEEP", "-1")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("REGISTRY_CLEAN_KEEP");
  }

  @Test
  void toString_neverShowsThePassword() {
    RegistryConfig config =
        RegistryConfig.fromEnv(
            Map.of("DOCKER_REGISTRY_USERNAME", "bot", "DOCKER_REGISTRY_PASSWORD", "s3cret"));

    assertThat(config.toString()).doesNotContain("s3cret");
  }
}
