package dev.racetrack.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessesTest {
  @Test
  void killAndWait_returnsOnlyOnceEveryProcessHasEnded() throws Exception {
    Process first = new ProcessBuilder("sleep", "60").start();
    Process second = new ProcessBuilder("sleep", "60").start();

    Processes.killAndWait(List.of(first.toHandle(), second.toHandle()), Duration.ofSeconds(10));

    assertThat(first.isAlive()).isFalse();
    assertThat(second.isAlive()).isFalse();
  }

  @Test
  void killAndWait_ofAnEndedProcess_returnsAtOnce() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();

    Processes.killAndWait(List.of(ended.toHandle()), Duration.ofSeconds(10));

    assertThat(ended.isAlive()).isFalse();
  }
}
