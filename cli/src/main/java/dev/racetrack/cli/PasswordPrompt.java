package dev.racetrack.cli;

import dev.racetrack.model.Terminal;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads passwords for one command: at a terminal without echo (a new password typed twice), else
 * one line of standard input per password, so that {@code printf 'old\nnew\n' | racetrack password
 * change} works. Never prints what it reads.
 */
final class PasswordPrompt {
  private final Optional<Console> terminal;
  private final BufferedReader lines;

  PasswordPrompt(InputStream in) {
    this.terminal = Terminal.interactive(in);
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** A password the user already has (asked once), e.g. {@code "Password"}. */
  String existing(String label) {
    if (terminal.isPresent()) {
      return typed(label);
    }
    return line(label);
  }

  /** A password being chosen: typed twice at a terminal, which must match; one line when piped. */
  String chosen(String label) {
    if (terminal.isEmpty()) {
      return line(label);
    }
    String first = typed(label);
    String second = typed(label + " (again)");
    if (!first.equals(second)) {
      throw new CliException("the two passwords do not match");
    }
    return first;
  }

  private String typed(String label) {
    char[] chars = terminal.orElseThrow().readPassword("%s: ", label);
    if (chars == null || chars.length == 0) {
      throw new CliException("no " + lowerFirst(label) + " given");
    }
    String text = new String(chars);
    Arrays.fill(chars, '\0');
    return text;
  }

  /** "Current password" -> "current password", leaving a username in the label as it is. */
  private static String lowerFirst(String label) {
    return label.isEmpty()
        ? label
        : label.substring(0, 1).toLowerCase(Locale.ROOT) + label.substring(1);
  }

  private String line(String label) {
    try {
      String line = lines.readLine();
      if (line == null || line.isEmpty()) {
        throw new CliException("no " + lowerFirst(label) + " on standard input");
      }
      return line;
    } catch (IOException e) {
      throw new CliException("cannot read the " + lowerFirst(label) + ": " + e.getMessage());
    }
  }
}
