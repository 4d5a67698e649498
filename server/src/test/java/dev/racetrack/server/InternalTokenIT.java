package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The all-in-one server's {@code INTERNAL_TOKEN}: generated once, kept, overridden by the env. */
class InternalTokenIT {
  @TempDir Path home;

  @Test
  void restart_withoutInternalToken_keepsTheGeneratedOneInAMode600File() throws Exception {
    try (PlatformFixture platform = new PlatformFixture(home, Map.of())) {
      String first = platform.internalToken();
      Path file = platform.dataDir().resolve("keys").resolve("internal_token");

      platform.restart();

      assertThat(platform.internalToken()).isEqualTo(first).hasSizeGreaterThanOrEqualTo(40);
      assertThat(Files.readString(file).strip()).isEqualTo(first);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }
}
