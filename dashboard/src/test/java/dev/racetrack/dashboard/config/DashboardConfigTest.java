package dev.racetrack.dashboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.testsupport.TlsFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardConfigTest {
  @Test
  void fromEnv_withNothingSet_usesThePlatformDefaults() {
    DashboardConfig config = DashboardConfig.fromEnv(Map.of());
    assertThat(config.port()).isEqualTo(7203);
    assertThat(config.lifecycleUrl()).hasToString("http://127.0.0.1:7202");
    assertThat(config.pubUrl()).isEqualTo("http://127.0.0.1:7205/pub");
    assertThat(config.siteName()).isEqualTo("Racetrack");
    assertThat(config.grafanaUrl()).isEmpty();
  }

  @Test
  void fromEnv_externalGrafanaUrl_isKeptWithoutTrailingSlash_andABadOneIsRefused() {
    assertThat(
            DashboardConfig.fromEnv(Map.of("EXTERNAL_GRAFANA_URL", "https://grafana.example.com/"))
                .grafanaUrl())
        .contains("https://grafana.example.com");
    assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("EXTERNAL_GRAFANA_URL", "grafana")))
        .hasMessageContaining("EXTERNAL_GRAFANA_URL");
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

  @Test
  void fromEnv_withTls_servesHttpsWithSecureCookiesAndHttpsDefaults(@TempDir Path dir) {
    TlsFixture ca = TlsFixture.create(dir);

    DashboardConfig config =
        DashboardConfig.fromEnv(
            Map.of(
                "TLS_CERT_FILE",
                ca.certFile().toString(),
                "TLS_KEY_FILE",
                ca.keyFile().toString()));

    assertThat(config.tls().enabled()).isTrue();
    assertThat(config.secureCookies()).isTrue();
    assertThat(config.lifecycleUrl()).hasToString("https://127.0.0.1:7202");
    assertThat(config.pubUrl()).isEqualTo("https://127.0.0.1:7205/pub");
  }
}
