package dev.racetrack.javawrapper;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * Log lines of the wrapper on stderr. The wrapper runs inside the job's JVM next to the user's
 * libraries, so it brings no logging framework that could clash with theirs.
 */
final class JobLog {
  private JobLog() {}

  static void info(String message) {
    line(System.err, "INFO", message);
  }

  static void warn(String message) {
    line(System.err, "WARN", message);
  }

  static void error(String message, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    line(System.err, "ERROR", message + System.lineSeparator() + trace.toString().stripTrailing());
  }

  /** {@code ExceptionType: message}, the form used in error responses and the /live error. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    String type = error.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static void line(PrintStream out, String level, String message) {
    out.println(Instant.now() + " " + level + " [javawrapper] " + message);
  }
}
