package dev.racetrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real signals to a real JVM (a child process running {@link Child}): the first SIGTERM runs the
 * close step, a second one while it runs stops the process at once.
 */
class StopSignalsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The child: prints "ready", then on SIGTERM closes, blocking for good when told to. */
  public static final class Child {
    public static void main(String[] args) throws InterruptedException {
      boolean hang = args.length > 0 && args[0].equals("hang");
      StopSignals stopped =
          StopSignals.install(
              "the child",
              System.out,
              () -> {
                System.out.println("closing");
                System.out.flush();
                if (hang) {
                  try {
                    Thread.sleep(Duration.ofMinutes(5));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
                System.out.println("closed");
                System.out.flush();
              });
      System.out.println("ready");
      System.out.flush();
      stopped.await();
    }
  }

  @Test
  void firstSigterm_runsTheCloseStep_andExitsWithTheSignalsStatus() throws Exception {
    try (Running child = Running.start("finish")) {
      child.awaitLine("ready");
      child.sigterm();
      child.awaitLine("closed");
      assertThat(child.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(child.process.exitValue()).isEqualTo(128 + 15);
      assertThat(child.lines)
          .anyMatch(l -> l.startsWith("Stopping the child: calls in flight may finish"));
    }
  }

  @Test
  void secondSigterm_whileClosing_stopsAtOnce() throws Exception {
    try (Running child = Running.start("hang")) {
      child.awaitLine("ready");
      child.sigterm();
      child.awaitLine("closing");
      // the close step hangs: the process stays up
      assertThat(child.process.waitFor(1, TimeUnit.SECONDS)).isFalse();
      child.sigterm(); // the second one
      assertThat(child.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(child.process.exitValue()).isEqualTo(128 + 15);
      child.awaitLine("Second stop signal: stopping the child at once.");
      assertThat(child.lines).doesNotContain("closed");
    }
  }

  /** A child JVM and the lines it printed. */
  private static final class Running implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Running(Process process) {
      this.process = process;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                    queue.add(line);
                  }
                } catch (IOException e) {
                  // the child is gone
                }
              });
    }

    static Running start(String mode) throws IOException {
      String java =
          Path.of(System.getProperty("java.home")).resolve("bin").resolve("java").toString();
      return new Running(
          new ProcessBuilder(
                  java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode)
              .redirectErrorStream(true)
              .start());
    }

    /**
     * Sends SIGTERM through the process handle ({@link Process#destroy} would also close the pipes,
     * losing what the child prints while it stops).
     */
    void sigterm() {
      process.toHandle().destroy();
    }

    void awaitLine(String wanted) throws InterruptedException {
      if (lines.contains(wanted)) {
        return;
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        String line = queue.poll(100, TimeUnit.MILLISECONDS);
        if (wanted.equals(line) || lines.contains(wanted)) {
          return;
        }
      }
      throw new AssertionError("the child did not print '" + wanted + "'; it printed " + lines);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
