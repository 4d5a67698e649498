package dev.racetrack.model.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderHomeTest {
  @Test
  void home_isHome_elseTheJvmsUserHome() {
    assertThat(new EnvReader(Map.of("HOME", "/srv/alice")).home()).isEqualTo(Path.of("/srv/alice"));
    assertThat(new EnvReader(Map.of("HOME", " ")).home())
        .isEqualTo(Path.of(System.getProperty("user.home")));
    assertThat(new EnvReader(Map.of()).home()).isEqualTo(Path.of(System.getProperty("user.home")));
  }

  @Test
  void dataDir_defaultsUnderHome() {
    assertThat(new EnvReader(Map.of("HOME", "/srv/alice")).dataDir())
        .isEqualTo(Path.of("/srv/alice/.racetrack/data"));
    assertThat(
            new EnvReader(Map.of("HOME", "/srv/alice", "RACETRACK_DATA_DIR", "/var/rt")).dataDir())
        .isEqualTo(Path.of("/var/rt"));
  }
}
