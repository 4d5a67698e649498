package dev.racetrack.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {

  @Test
  void fromEnv_readsTheRegistry_andNeverShowsThePassword() {
    RegistrySettings settings =
        RegistrySettings.fromEnv(
            Map.of(
                "DOCKER_REGISTRY", "127.0.0.1:5000",
                "DOCKER_REGISTRY_NAMESPACE", "team/jobs",
                "DOCKER_REGISTRY_USERNAME", "bot",
                "DOCKER_REGISTRY_PASSWORD", "s3cret",
                "DOCKER_REGISTRY_INSECURE", "true"));
    assertThat(settings.registry()).contains("127.0.0.1:5000");
    assertThat(settings.namespace()).isEqualTo("team/jobs");
    assertThat(settings.insecure()).isTrue();
    assertThat(settings.toString()).doesNotContain("s3cret").contains("(redacted)");
    assertThat(RegistrySettings.fromEnv(Map.of()).registry()).isEqualTo(Optional.empty());
  }

  @Test
  void fromEnv_badValues_areRefusedNamingTheVariable() {
    assertThatThrownBy(() -> RegistrySettings.fromEnv(Map.of("DOCKER_REGISTRY", "https://x/")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DOCKER_REGISTRY")
        .hasMessageContaining("'https://x/'");
    assertThatThrownBy(
            () -> RegistrySettings.fromEnv(Map.of("DOCKER_REGISTRY_NAMESPACE", "Upper/Case")))
        .hasMessageContaining("DOCKER_REGISTRY_NAMESPACE");
    assertThatThrownBy(() -> RegistrySettings.fromEnv(Map.of("DOCKER_REGISTRY_USERNAME", "bot")))
        .hasMessageContaining("DOCKER_REGISTRY_PASSWORD is missing");
  }
}
