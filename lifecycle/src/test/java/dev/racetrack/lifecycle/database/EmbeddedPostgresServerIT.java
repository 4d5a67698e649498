package dev.racetrack.lifecycle.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server's stop: once {@code close} returns, its process has ended, so nothing writes
 * the data directory any more (a test's temporary directory is deleted next; a platform's backup or
 * restart comes next).
 */
class EmbeddedPostgresServerIT {
  @TempDir Path data;

  @Test
  void close_returnsOnceThePostmasterHasEnded() throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data);
    long pid =
        Long.parseLong(
            Files.readAllLines(data.resolve("postgres/postmaster.pid"), StandardCharsets.UTF_8)
                .getFirst()
                .strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    server.close();

    // ended: gone, or a zombie until whoever adopted it (pg_ctl's parent is gone) reaps it
    assertThat(
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !EmbeddedPostgresServer.zombie(pid))
        .as("postmaster %d running after close", pid)
        .isFalse();
    assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
  }
}
