package dev.racetrack.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveBuildLogsTest {
  /** Records what it is told, with "END" for the end. */
  private static final class Recorder implements LiveBuildLogs.Follower {
    final List<String> seen = new ArrayList<>();

    @Override
    public void line(String line) {
      seen.add(line);
    }

    @Override
    public void end() {
      seen.add("END");
    }
  }

  @Test
  void follow_aRunningBuild_getsTheLinesSoFarThenNewOnesThenTheEnd() {
    LiveBuildLogs logs = new LiveBuildLogs();
    logs.start("d1");
    logs.line("d1", "one");
    logs.line("other", "not this build");
    Recorder follower = new Recorder();

    assertThat(logs.follow("d1", follower)).isPresent();
    logs.line("d1", "two");
    logs.end("d1");
    logs.line("d1", "after the end");

    assertThat(follower.seen).containsExactly("one", "two", "END");
  }

  @Test
  void follow_aBuildNotRunningHere_isEmpty_andAClosedSubscriptionHearsNothing() {
    LiveBuildLogs logs = new LiveBuildLogs();
    assertThat(logs.follow("d1", new Recorder())).isEmpty();

    logs.start("d1");
    Recorder follower = new Recorder();
    logs.follow("d1", follower).orElseThrow().close();
    logs.line("d1", "one");
    logs.end("d1");

    assertThat(follower.seen).isEmpty();
    assertThat(logs.follow("d1", new Recorder())).isEmpty();
  }
}
