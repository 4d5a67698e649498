package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCgroupsTest {

  @Test
  void cpuQuotaMicros_ofCores_isCoresTimesThePeriod() {
    assertThat(JobCgroups.cpuQuotaMicros("0.5")).isEqualTo(50_000);
    assertThat(JobCgroups.cpuQuotaMicros("500m")).isEqualTo(50_000);
    assertThat(JobCgroups.cpuQuotaMicros("1")).isEqualTo(100_000);
    assertThat(JobCgroups.cpuQuotaMicros("2500m")).isEqualTo(250_000);
  }

  @Test
  void cpuQuotaMicros_belowTheKernelMinimum_isTheMinimum() {
    assertThat(JobCgroups.cpuQuotaMicros("1m")).isEqualTo(1_000);
    assertThat(JobCgroups.cpuQuotaMicros("10m")).isEqualTo(1_000);
  }

  @Test
  void cpuQuotaMicros_ofAFraction_roundsUp() {
    assertThat(JobCgroups.cpuQuotaMicros("0.123456")).isEqualTo(12_346);
  }

  @Test
  void cpuQuotaMicros_withoutCpuMax_isOneCore() {
    assertThat(JobCgroups.cpuQuotaMicros(manifest(Map.of()))).isEqualTo(100_000);
    assertThat(JobCgroups.cpuQuotaMicros(manifest(Map.of("resources", Map.of("cpu_max", "0.5")))))
        .isEqualTo(50_000);
  }

  @Test
  void cpuQuotaMicros_ofGarbage_namesTheField() {
    assertThatThrownBy(() -> JobCgroups.cpuQuotaMicros("lots"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("resources.cpu_max");
  }

  private static Manifest manifest(Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>(extra);
    raw.put("name", "cpu");
    raw.put("version", "1.0.0");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }
}
