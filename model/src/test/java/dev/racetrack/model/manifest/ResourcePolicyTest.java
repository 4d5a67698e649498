package dev.racetrack.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcePolicyTest {
  private final ResourcePolicy policy = ResourcePolicy.defaults();

  @Test
  void effective_withoutResources_isTheReferencesDefaults() {
    assertThat(policy.effective(null))
        .isEqualTo(new Manifest.Resources("256Mi", "1Gi", "10m", "1000m"));
  }

  @Test
  void effective_keepsWhatTheManifestAsks_andFillsTheRest() {
    assertThat(policy.effective(new Manifest.Resources(null, "2Gi", "500m", null)))
        .isEqualTo(new Manifest.Resources("512Mi", "2Gi", "500m", "1000m"));
  }

  @Test
  void effective_whenTheMinimumIsAboveTheDefaultMaximum_theMaximumIsTheMinimum() {
    assertThat(policy.effective(new Manifest.Resources("3Gi", null, "2", null)))
        .isEqualTo(new Manifest.Resources("3Gi", "3Gi", "2", "2"));
  }

  @Test
  void effective_whenTheMaximumIsBelowTheDefaultMinimum_theMinimumIsTheMaximum() {
    assertThat(policy.effective(new Manifest.Resources(null, "128Mi", null, "5m")))
        .isEqualTo(new Manifest.Resources("128Mi", "128Mi", "5m", "5m"));
  }

  @Test
  void effective_raisesMemoryMinToAQuarterOfMemoryMax() {
    assertThat(policy.effective(new Manifest.Resources("100Mi", "4Gi", null, null)).memoryMin())
        .isEqualTo("1Gi");
    assertThat(policy.effective(new Manifest.Resources("1Mi", "1000M", null, null)).memoryMin())
        .isEqualTo("250000000");
  }

  @Test
  void effective_whenMemoryMaxExceedsTheCeiling_isRefusedNamingFieldAndLimit() {
    assertThatThrownBy(() -> policy.effective(new Manifest.Resources(null, "9Gi", null, null)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("resources.memory_max")
        .hasMessageContaining("9Gi")
        .hasMessageContaining("8Gi");
    assertThat(policy.effective(new Manifest.Resources(null, "8Gi", null, null)).memoryMax())
        .isEqualTo("8Gi");
  }

  @Test
  void fromEnv_readsTheVariables_andNamesABadOne() {
    ResourcePolicy small =
        ResourcePolicy.fromEnv(
            Map.of("DEFAULT_JOB_MEMORY_MAX", "512Mi", "MAX_JOB_MEMORY_LIMIT", "2Gi"));
    assertThat(small.effective(null).memoryMax()).isEqualTo("512Mi");
    assertThatThrownBy(() -> small.effective(new Manifest.Resources(null, "3Gi", null, null)))
        .hasMessageContaining("2Gi");
    assertThatThrownBy(() -> ResourcePolicy.fromEnv(Map.of("DEFAULT_JOB_CPU_MIN", "lots")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("DEFAULT_JOB_CPU_MIN")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> ResourcePolicy.fromEnv(Map.of("DEFAULT_JOB_MEMORY_MIN", "0")))
        .hasMessageContaining("DEFAULT_JOB_MEMORY_MIN");
    assertThatThrownBy(() -> ResourcePolicy.fromEnv(Map.of("DEFAULT_JOB_MEMORY_MAX", "16Gi")))
        .hasMessageContaining("DEFAULT_JOB_MEMORY_MAX")
        .hasMessageContaining("MAX_JOB_MEMORY_LIMIT");
  }
}
