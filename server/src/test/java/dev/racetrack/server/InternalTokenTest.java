package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternalTokenTest {
  @TempDir Path data;

  @Test
  void internalToken_unset_isGeneratedOnceAndKeptWithMode600() throws Exception {
    Map<String, String> env = Map.of("RACETRACK_DATA_DIR", data.toString());

    String first = Platform.internalToken(env);
    String second = Platform.internalToken(env);

    Path file = data.resolve("keys").resolve("internal_token");
    assertThat(second).isEqualTo(first);
    assertThat(Files.readString(file).strip()).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void internalToken_setInTheEnvironment_winsOverTheKeptOne() {
    Platform.internalToken(Map.of("RACETRACK_DATA_DIR", data.toString()));

    String token =
        Platform.internalToken(
            Map.of("RACETRACK_DATA_DIR", data.toString(), "INTERNAL_TOKEN", "operator-secret"));

    assertThat(token).isEqualTo("operator-secret");
  }

  @Test
  void internalToken_setInTheEnvironment_writesNoFile() {
    Platform.internalToken(
        Map.of("RACETRACK_DATA_DIR", data.toString(), "INTERNAL_TOKEN", "operator-secret"));

    assertThat(data.resolve("keys").resolve("internal_token")).doesNotExist();
  }
}
