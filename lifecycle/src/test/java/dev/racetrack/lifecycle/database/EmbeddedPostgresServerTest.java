package dev.racetrack.lifecycle.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the embedded server's stop tells an ended postmaster that nobody reaps (a zombie). */
class EmbeddedPostgresServerTest {
  @Test
  void zombie_anExitedProcessNobodyReaped_isOne_aRunningProcessIsNot() throws Exception {
    // the shell starts a child, then becomes `sleep`, which never reaps it; the child ends a second
    // later, after the exec (a child ending before it could still be reaped by the shell)
    Process parent =
        new ProcessBuilder("sh", "-c", "sleep 1 & echo $!; exec sleep 30")
            .redirectErrorStream(true)
            .start();
    try {
      long child =
          Long.parseLong(
              new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                  .readLine()
                  .strip());

      await().atMost(Duration.ofSeconds(10)).until(() -> EmbeddedPostgresServer.zombie(child));
      assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive))
          .as("the JDK still calls a zombie alive: why the stop asks /proc")
          .contains(true);
      assertThat(EmbeddedPostgresServer.zombie(parent.pid())).isFalse();
      assertThat(EmbeddedPostgresServer.zombie(ProcessHandle.current().pid())).isFalse();
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void zombie_ofNoSuchProcess_isFalse() {
    assertThat(EmbeddedPostgresServer.zombie(Long.MAX_VALUE)).isFalse();
  }
}
