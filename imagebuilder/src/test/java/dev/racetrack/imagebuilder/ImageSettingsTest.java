package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageSettingsTest {

  @Test
  void fromEnv_nothingSet_buildsNoImagesAndUsesThePublicBaseImages() {
    ImageSettings settings = ImageSettings.fromEnv(Map.of());

    assertThat(settings.registry()).isEmpty();
    assertThat(settings.namespace()).isEqualTo("racetrack");
    assertThat(settings.baseImages())
        .containsEntry("python3", ImageSettings.DEFAULT_PYTHON3_BASE)
        .containsEntry("java", ImageSettings.DEFAULT_JAVA_BASE);
  }

  @Test
  void fromEnv_fullSettings_nameJobRepositoriesUnderTheNamespace() {
    ImageSettings settings =
        ImageSettings.fromEnv(
            Map.of(
                "DOCKER_REGISTRY", "registry.example.com:5000",
                "DOCKER_REGISTRY_NAMESPACE", "team/racetrack",
                "DOCKER_REGISTRY_USERNAME", "bot",
                "DOCKER_REGISTRY_PASSWORD", "s3cret",
                "PYTHON3_BASE_IMAGE", "registry.example.com:5000/base/python:3.11"));

    assertThat(settings.repository("adder"))
        .isEqualTo("registry.example.com:5000/team/racetrack/job-entrypoint/adder");
    assertThat(settings.baseImages().get("python3"))
        .isEqualTo("registry.example.com:5000/base/python:3.11");
    assertThat(settings.describe().toString()).doesNotContain("s3cret").contains("(redacted)");
    assertThat(settings.toString()).doesNotContain("s3cret");
  }

  @Test
  void fromEnv_badRegistry_namesTheVariable() {
    assertThatThrownBy(() -> ImageSettings.fromEnv(Map.of("DOCKER_REGISTRY", "https://x/")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DOCKER_REGISTRY")
        .hasMessageContaining("'https://x/'");
  }

  @Test
  void fromEnv_badNamespace_namesTheVariable() {
    assertThatThrownBy(
            () -> ImageSettings.fromEnv(Map.of("DOCKER_REGISTRY_NAMESPACE", "Upper/../x")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DOCKER_REGISTRY_NAMESPACE");
  }

  @Test
  void fromEnv_usernameWithoutPassword_namesTheMissingVariable() {
    assertThatThrownBy(() -> ImageSettings.fromEnv(Map.of("DOCKER_REGISTRY_USERNAME", "bot")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DOCKER_REGISTRY_PASSWORD is missing");
  }

  @Test
  void fromEnv_badBaseImage_namesTheVariable() {
    assertThatThrownBy(() -> ImageSettings.fromEnv(Map.of("JAVA_BASE_IMAGE", "Not An Image!")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("JAVA_BASE_IMAGE");
  }

  @Test
  void envFileText_valueWithALineBreak_isRefusedWithoutShowingTheValue() {
    assertThatThrownBy(() -> BaseImageRun.envFileText(Map.of("TOKEN", "a\nb-secret")))
        .hasMessageContaining("TOKEN")
        .hasMessageNotContaining("b-secret");
    assertThat(BaseImageRun.envFileText(Map.of("A", "1 2"))).isEqualTo("A=1 2\n");
  }
}
