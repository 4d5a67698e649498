package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {
  @TempDir Path tmp;

  @Test
  void follow_lineWrittenRightAfterTheFollowStarts_isNeitherMissedNorRepeated() throws IOException {
    Path file = tmp.resolve("job.log");
    Files.writeString(file, "a\nb\n");
    List<String> followed = new CopyOnWriteArrayList<>();
    try (LogFollower follower = new LogFollower(new LogFile(file, 1 << 20, 2), 1, followed::add)) {
      // Written before the follow thread may have run: the follow starts where the file ended
      // when the follow was asked for, so this line is new, and "b" is the one line of tail.
      Files.writeString(file, "c\n", StandardOpenOption.APPEND);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(followed).containsExactly("b", "c"));
    }
  }

  @Test
  void follow_tailOfAFileEndingInAPartialLine_includesIt() throws IOException {
    Path file = tmp.resolve("job.log");
    Files.writeString(file, "a\nb\npartial");
    List<String> followed = new CopyOnWriteArrayList<>();
    try (LogFollower follower = new LogFollower(new LogFile(file, 1 << 20, 2), 2, followed::add)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(followed).containsExactly("b", "partial"));
    }
  }
}
