package dev.racetrack.model;

import java.io.Console;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The interactive terminal, when there is one. Since JDK 22 {@link System#console()} also returns a
 * console when input is piped; {@code Console.isTerminal()} (looked up reflectively, the code
 * targets Java 21) tells the two apart, so piped input is read from the pipe.
 */
public final class Terminal {
  private Terminal() {}

  /** The console, if {@code in} is the process's standard input and it is a terminal. */
  @SuppressWarnings("SystemConsoleNull") // the null check is the point on JDK 21
  public static Optional<Console> interactive(InputStream in) {
    Console console = System.console();
    if (console == null || in != System.in) {
      return Optional.empty();
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console))
          ? Optional.of(console)
          : Optional.empty();
    } catch (NoSuchMethodException e) {
      return Optional.of(console); // JDK 21: a non-null console is a terminal
    } catch (IllegalAccessException | InvocationTargetException e) {
      return Optional.empty();
    }
  }
}
