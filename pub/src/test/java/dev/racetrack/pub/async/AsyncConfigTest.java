package dev.racetrack.pub.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AsyncConfigTest {

  @Test
  void fromEnv_withNothingSet_usesTheDocumentedDefaults() {
    AsyncConfig config = AsyncConfig.fromEnv(Map.of());
    assertThat(config.pollWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxAttempts()).isEqualTo(2);
    assertThat(config.retryInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.callTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.resultLifetime()).isEqualTo(Duration.ofHours(2));
    assertThat(config.instanceId()).startsWith("pub-");
    assertThat(AsyncConfig.fromEnv(Map.of()).instanceId()).isNotEqualTo(config.instanceId());
  }

  @Test
  void fromEnv_withFractionalSeconds_keepsMilliseconds() {
    assertThat(AsyncConfig.fromEnv(Map.of("ASYNC_POLL_WINDOW_SECONDS", "0.25")).pollWindow())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void fromEnv_withBadValues_namesTheVariable() {
    assertThatThrownBy(() -> AsyncConfig.fromEnv(Map.of("ASYNC_MAX_ATTEMPTS", "0")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("ASYNC_MAX_ATTEMPTS");
    assertThatThrownBy(() -> AsyncConfig.fromEnv(Map.of("ASYNC_MAX_ATTEMPTS", "11")))
        .hasMessageContaining("ASYNC_MAX_ATTEMPTS");
    assertThatThrownBy(() -> AsyncConfig.fromEnv(Map.of("ASYNC_LEASE_SECONDS", "3601")))
        .hasMessageContaining("ASYNC_LEASE_SECONDS");
    assertThatThrownBy(() -> AsyncConfig.fromEnv(Map.of("ASYNC_POLL_WINDOW_SECONDS", "soon")))
        .hasMessageContaining("ASYNC_POLL_WINDOW_SECONDS");
  }
}
