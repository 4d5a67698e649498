package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {
  @TempDir Path tmp;

  @Test
  void rotateIfNeeded_copiesAndTruncates_keepingBackups() throws IOException {
    Path file = tmp.resolve("job.log");
    LogFile log = new LogFile(file, 10, 2);
    for (int round = 1; round <= 3; round++) {
      Files.writeString(
          file, "round " + round + " line\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      log.rotateIfNeeded();
    }
    assertThat(Files.size(file)).isZero();
    assertThat(tmp.resolve("job.log.1")).hasContent("round 3 line");
    assertThat(tmp.resolve("job.log.2")).hasContent("round 2 line");
    assertThat(tmp.resolve("job.log.3")).doesNotExist();
  }

  @Test
  void tail_readsAcrossTheNewestBackup() throws IOException {
    Path file = tmp.resolve("job.log");
    Files.writeString(tmp.resolve("job.log.1"), "a\nb\n");
    Files.writeString(file, "c\nd");
    LogFile log = new LogFile(file, 1000, 2);
    assertThat(log.tail(3)).isEqualTo("b\nc\nd\n");
    assertThat(log.tail(0)).isEqualTo("a\nb\nc\nd\n");
    assertThat(log.lastLines(1)).containsExactly("d");
  }
}
