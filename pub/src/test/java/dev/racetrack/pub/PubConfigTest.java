package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubConfigTest {
  private static final String KEY = PubFixture.JOB_CALL_KEY;

  @Test
  void fromEnv_defaults_useStalePermitsForAtMostAMinute() {
    PubConfig config = PubConfig.fromEnv(Map.of(), "internal", KEY);

    assertThat(config.staleTtl()).isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(config.cacheTtl()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void fromEnv_staleWindow_isConfigurable() {
    PubConfig config = PubConfig.fromEnv(Map.of("LIFECYCLE_CACHE_TTL_MAX", "20"), "internal", KEY);

    assertThat(config.staleTtl()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void fromEnv_staleWindowShorterThanTheCache_isRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                PubConfig.fromEnv(
                    Map.of("LIFECYCLE_CACHE_TTL_MIN", "30", "LIFECYCLE_CACHE_TTL_MAX", "10"),
                    "internal",
                    KEY))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("LIFECYCLE_CACHE_TTL_MAX");
  }

  @Test
  void fromEnv_webviewJobs_areAList() {
    assertThat(
            PubConfig.fromEnv(Map.of("PUB_WEBVIEW_JOBS", " a, b ,,"), "internal", KEY)
                .webviewJobs())
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void describe_redactsTheSecrets() {
    assertThat(PubConfig.fromEnv(Map.of(), "internal-secret", KEY).toString())
        .doesNotContain("internal-secret")
        .doesNotContain(KEY);
  }

  @Test
  void fromEnv_externalUrlAndJobDomain_areRead() {
    PubConfig config =
        PubConfig.fromEnv(
            Map.of(
                "EXTERNAL_PUB_URL",
                "https://pub.example.com/pub/",
                "PUB_JOB_DOMAIN",
                "Jobs.Example.com"),
            "internal",
            KEY);

    assertThat(config.externalUrl()).contains(java.net.URI.create("https://pub.example.com/pub"));
    assertThat(config.jobDomain()).contains("jobs.example.com");
  }

  @Test
  void fromEnv_withoutExternalUrlOrJobDomain_leavesThemOut() {
    PubConfig config = PubConfig.fromEnv(Map.of(), "internal", KEY);

    assertThat(config.externalUrl()).isEmpty();
    assertThat(config.jobDomain()).isEmpty();
  }

  @Test
  void fromEnv_transport_defaultsToAuto_isReadCaseBlind_andRefusesOthersNamingTheVariable() {
    assertThat(PubConfig.fromEnv(Map.of(), "internal", KEY).transport()).isEqualTo("auto");
    assertThat(
            PubConfig.fromEnv(Map.of("PUB_TRANSPORT", " IO_URING "), "internal", KEY).transport())
        .isEqualTo("io_uring");
    assertThat(PubConfig.fromEnv(Map.of("PUB_TRANSPORT", "nio"), "internal", KEY).toString())
        .contains("transport=nio");
    assertThatThrownBy(() -> PubConfig.fromEnv(Map.of("PUB_TRANSPORT", "kqueue"), "internal", KEY))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PUB_TRANSPORT")
        .hasMessageContaining("'kqueue'")
        .hasMessageContaining("io_uring");
  }

  @Test
  void fromEnv_badJobDomainOrExternalUrl_isRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                PubConfig.fromEnv(Map.of("PUB_JOB_DOMAIN", "*.jobs.example.com"), "internal", KEY))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PUB_JOB_DOMAIN");
    assertThatThrownBy(
            () -> PubConfig.fromEnv(Map.of("EXTERNAL_PUB_URL", "ftp://x"), "internal", KEY))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("EXTERNAL_PUB_URL");
  }

  @Test
  void shutdownDrain_defaultsTo30Seconds_isConfigurable_andRefusesNonsenseNamingTheVariable() {
    assertThat(PubConfig.shutdownDrain(Map.of())).isEqualTo(Duration.ofSeconds(30));
    assertThat(PubConfig.shutdownDrain(Map.of("SHUTDOWN_DRAIN_SECONDS", "5")))
        .isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> PubConfig.shutdownDrain(Map.of("SHUTDOWN_DRAIN_SECONDS", "soon")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("SHUTDOWN_DRAIN_SECONDS");
  }
}
