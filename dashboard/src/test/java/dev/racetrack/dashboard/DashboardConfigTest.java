package dev.racetrack.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardConfigTest {
  @Test
  void fromEnv_withNothingSet_usesThePlatformDefaults() {
    DashboardConfig config = DashboardConfig.fromEnv(Map.of());
    assertThat(config.port()).isEqualTo(7203);
    assertThat(config.lifecycleUrl()).hasToString("http://127.0.0.1:7202");
    assertThat(config.pubUrl()).isEqualTo("http://127.0.0.1:7205/pub");
    assertThat(config.siteName()).isEqualTo("Racetrack");
  }

  @Test
  void fromEnv_namedColour_becomesItsHexValue() {
    assertThat(DashboardConfig.fromEnv(Map.of("SITE_COLOR", "prod")).siteColour())
        .isEqualTo("#b3261e");
    assertThat(DashboardConfig.fromEnv(Map.of("SITE_COLOR", "#AbCdEf")).siteColour())
        .isEqualTo("#AbCdEf");
  }

  @Test
  void fromEnv_colourThatCouldEscapeTheStyleSheet_isRefusedNamingTheVariable() {
    assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("SITE_COLOR", "red;} body{x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SITE_COLOR");
  }
}
