package dev.racetrack.lifecycle.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logs of the builds this lifecycle is running, line by line as the image builder streams them,
 * so a client can follow a running build. A finished build's log is the deployment's stored one.
 * Bounded: at most {@value #MAX_LINES} lines are kept for a late follower (later lines still reach
 * the followers).
 */
public final class LiveBuildLogs {
  static final int MAX_LINES = 20_000;

  private final ConcurrentHashMap<String, Log> running = new ConcurrentHashMap<>();

  /** Receives a running build's lines, then its end; called under the log's lock, so quickly. */
  public interface Follower {
    void line(String line);

    void end();
  }

  /** Stops following. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private static final class Log {
    private final List<String> lines = new ArrayList<>();
    private final List<Follower> followers = new ArrayList<>();
    private boolean ended;
  }

  void start(String deploymentId) {
    running.put(deploymentId, new Log());
  }

  void line(String deploymentId, String line) {
    Log log = running.get(deploymentId);
    if (log == null) {
      return;
    }
    synchronized (log) {
      if (log.lines.size() < MAX_LINES) {
        log.lines.add(line);
      }
      log.followers.forEach(f -> f.line(line));
    }
  }

  void end(String deploymentId) {
    Log log = running.remove(deploymentId);
    if (log == null) {
      return;
    }
    synchronized (log) {
      log.ended = true;
      log.followers.forEach(Follower::end);
      log.followers.clear();
    }
  }

  /**
   * Follows a build running here: the lines so far at once, then each new one, then the end. Empty
   * when no build of that deployment runs in this process (it ended, or another replica runs it).
   */
  public Optional<Subscription> follow(String deploymentId, Follower follower) {
    Log log = running.get(deploymentId);
    if (log == null) {
      return Optional.empty();
    }
    synchronized (log) {
      if (log.ended) {
        return Optional.empty();
      }
      log.lines.forEach(follower::line);
      log.followers.add(follower);
    }
    return Optional.of(
        () -> {
          synchronized (log) {
            log.followers.remove(follower);
          }
        });
  }
}
