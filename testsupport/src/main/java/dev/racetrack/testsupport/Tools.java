package dev.racetrack.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks for external tools a test needs (docker, chromium, python3, ...). Locally a missing tool
 * skips the test loudly; in CI ({@code CI=true} or {@code -Dracetrack.requireAllTools=true}) it
 * fails it.
 */
public final class Tools {
  private Tools() {}

  public static boolean requireAll() {
    return Boolean.getBoolean("racetrack.requireAllTools")
        || "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (or, in CI, fails) the calling test unless {@code command} is on PATH. */
  public static Path require(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        "SKIPPED: this test needs '" + command + "' on PATH, which is missing on this machine";
    if (requireAll()) {
      throw new AssertionError(message.replace("SKIPPED", "FAILED (tools are required in CI)"));
    }
    System.err.println("*** " + message + " ***");
    Assumptions.abort(message);
    throw new IllegalStateException("unreachable");
  }

  /**
   * Skips (or, in CI, fails) the calling test unless {@code available}; {@code what} names the
   * missing facility (e.g. "writable cgroup v1 cpu and pids controllers").
   */
  public static void requireThat(boolean available, String what) {
    if (available) {
      return;
    }
    String message = "SKIPPED: this test needs " + what + ", which this machine lacks";
    if (requireAll()) {
      throw new AssertionError(message.replace("SKIPPED", "FAILED (tools are required in CI)"));
    }
    System.err.println("*** " + message + " ***");
    Assumptions.abort(message);
  }
}
