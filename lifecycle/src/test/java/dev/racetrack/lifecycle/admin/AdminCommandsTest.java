package dev.racetrack.lifecycle.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.LifecycleConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCommandsTest {
  @TempDir Path data;

  private static AdminContext context(Map<String, String> env) {
    return new AdminContext(
        env,
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void config_withoutInternalToken_presentsTheOneTheServerKeeps() throws Exception {
    Path file = LifecycleConfig.internalTokenFile(data);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "kept-by-the-server\n");

    LifecycleConfig config =
        AdminCommands.config(context(Map.of("RACETRACK_DATA_DIR", data.toString())));

    assertThat(config.internalToken()).isEqualTo("kept-by-the-server");
  }

  @Test
  void config_withInternalToken_presentsIt() throws Exception {
    Path file = LifecycleConfig.internalTokenFile(data);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "kept-by-the-server\n");

    LifecycleConfig config =
        AdminCommands.config(
            context(Map.of("RACETRACK_DATA_DIR", data.toString(), "INTERNAL_TOKEN", "from-env")));

    assertThat(config.internalToken()).isEqualTo("from-env");
  }
}
