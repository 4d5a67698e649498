package dev.racetrack.javawrapper;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

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

  static void severe(String message) {
    line(System.err, "ERROR", message);
  }

  static void error(String message, Throwable error) {
    severe(message + System.lineSeparator() + stackTrace(error));
  }

  /** The stack trace {@link Throwable#printStackTrace()} prints, without its last line break. */
  static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString().stripTrailing();
  }

  /** {@code ExceptionType: message}, the form used in error responses and the /live error. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    String type = error.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static void line(PrintStream out, String level, String message) {
    out.println(timestamp(Instant.now()) + " " + level + " [javawrapper] " + message);
  }

  /**
   * The text {@link Instant#toString()} gives (ISO-8601 in UTC, the fraction in groups of three
   * digits, none when zero) for the years 0000-9999, written without {@code DateTimeFormatter}: its
   * class initialisation builds every predefined formatter, about forty classes loaded into each
   * java job for one log line.
   */
  static String timestamp(Instant instant) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    if (time.getYear() < 0 || time.getYear() > 9999) {
      return instant.toString();
    }
    StringBuilder text = new StringBuilder(30);
    digits(text, time.getYear(), 4).append('-');
    digits(text, time.getMonthValue(), 2).append('-');
    digits(text, time.getDayOfMonth(), 2).append('T');
    digits(text, time.getHour(), 2).append(':');
    digits(text, time.getMinute(), 2).append(':');
    digits(text, time.getSecond(), 2);
    int nano = instant.getNano();
    if (nano != 0) {
      text.append('.');
      if (nano % 1_000_000 == 0) {
        digits(text, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        digits(text, nano / 1_000, 6);
      } else {
        digits(text, nano, 9);
      }
    }
    return text.append('Z').toString();
  }

  private static StringBuilder digits(StringBuilder text, int value, int width) {
    String number = Integer.toString(value);
    for (int pad = width - number.length(); pad > 0; pad--) {
      text.append('0');
    }
    return text.append(number);
  }
}
