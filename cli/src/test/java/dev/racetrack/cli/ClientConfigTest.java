package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientConfigTest {
  @TempDir Path dir;
  private ClientConfig config;

  @BeforeEach
  void load() {
    config = ClientConfig.load(dir.resolve("config.yaml"), quiet());
    config.setAlias("dev", "http://127.0.0.1:7202");
    config.setAlias("prod", "racetrack.example.com");
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "racetrack.example.com, https://racetrack.example.com/lifecycle",
    "racetrack.example.com:8443, https://racetrack.example.com:8443/lifecycle",
    "racetrack.example.com/rt/lifecycle, https://racetrack.example.com/rt/lifecycle",
    "http://127.0.0.1:7202, http://127.0.0.1:7202/lifecycle",
    "http://127.0.0.1:7202/, http://127.0.0.1:7202/lifecycle",
    "http://127.0.0.1:7202/lifecycle, http://127.0.0.1:7202/lifecycle",
    "http://127.0.0.1:7202/lifecycle/, http://127.0.0.1:7202/lifecycle",
    "https://rt.example.com/custom, https://rt.example.com/custom",
    "dev, http://127.0.0.1:7202/lifecycle",
    "prod, https://racetrack.example.com/lifecycle",
  })
  void resolve_remoteOrAlias_givesLifecycleUrl(String remote, String expected) {
    assertThat(config.resolve(remote)).isEqualTo(expected);
  }

  @Test
  void currentRemote_whenUnset_isTheLocalDefault() {
    assertThat(config.currentRemote()).isEqualTo(ClientConfig.DEFAULT_REMOTE);
    assertThat(config.resolve(config.currentRemote())).isEqualTo(ClientConfig.DEFAULT_REMOTE);
  }

  @Test
  void save_thenLoad_keepsRemoteAliasesAndTokens() {
    config.setCurrentRemote("dev");
    config.setToken("http://127.0.0.1:7202/lifecycle", "tok");
    config.save();

    ClientConfig reloaded = ClientConfig.load(config.file(), quiet());

    assertThat(reloaded.currentRemote()).isEqualTo("dev");
    assertThat(reloaded.aliases())
        .isEqualTo(Map.of("dev", "http://127.0.0.1:7202", "prod", "racetrack.example.com"));
    assertThat(reloaded.token("http://127.0.0.1:7202/lifecycle")).contains("tok");
    assertThat(reloaded.token("http://127.0.0.1:7202")).isEmpty();
  }

  @Test
  void removeToken_reportsWhetherOneWasStored() {
    config.setToken("https://a/lifecycle", "tok");

    assertThat(config.removeToken("https://a/lifecycle")).isTrue();
    assertThat(config.removeToken("https://a/lifecycle")).isFalse();
    assertThat(config.token("https://a/lifecycle")).isEmpty();
  }

  @Test
  void defaultPath_withoutOverride_isRacetrackDirInHome() {
    assertThat(ClientConfig.defaultPath(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".racetrack", "config.yaml"));
    assertThat(ClientConfig.defaultPath(Map.of("RACETRACK_CONFIG", " ")))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".racetrack", "config.yaml"));
    assertThat(ClientConfig.defaultPath(Map.of("RACETRACK_CONFIG", "/tmp/x.yaml")))
        .isEqualTo(Path.of("/tmp/x.yaml"));
  }

  @Test
  void defaultPath_followsHome_asTheShellAndTheOriginalsCliDo() {
    assertThat(ClientConfig.defaultPath(Map.of("HOME", "/srv/alice")))
        .isEqualTo(Path.of("/srv/alice/.racetrack/config.yaml"));
    assertThat(
            ClientConfig.defaultPath(Map.of("HOME", "/srv/alice", "RACETRACK_CONFIG", "/x.yaml")))
        .isEqualTo(Path.of("/x.yaml"));
  }
}
