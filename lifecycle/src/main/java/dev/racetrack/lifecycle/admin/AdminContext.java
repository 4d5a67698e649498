package dev.racetrack.lifecycle.admin;

import dev.racetrack.model.Terminal;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.Plugins;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Environment and streams of an admin command. */
public final class AdminContext {
  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final BufferedReader reader;
  private final Supplier<Plugins> plugins;

  public AdminContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    this(env, in, out, err, Plugins::discover);
  }

  /**
   * @param plugins the job types and targets on the class path (the plugins directory's bundles are
   *     added to them where a command needs a target)
   */
  public AdminContext(
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Supplier<Plugins> plugins) {
    this.plugins = plugins;
    this.env = Map.copyOf(env);
    this.in = in;
    this.out = out;
    this.err = err;
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  public static AdminContext system() {
    return new AdminContext(System.getenv(), System.in, System.out, System.err);
  }

  public Map<String, String> env() {
    return env;
  }

  /** The job types and targets on the class path. */
  Plugins plugins() {
    return plugins.get();
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  /** A secret typed twice at the terminal, or one line of standard input when piped. */
  String secret(String prompt) {
    Optional<Console> terminal = Terminal.interactive(in);
    if (terminal.isPresent()) {
      char[] first = terminal.get().readPassword("%s: ", prompt);
      char[] second = terminal.get().readPassword("%s (again): ", prompt);
      if (first == null
          || second == null
          || !String.valueOf(first).equals(String.valueOf(second))) {
        throw new ValidationException("the two entries do not match");
      }
      return String.valueOf(first);
    }
    return line(prompt);
  }

  /** A secret typed once at the terminal (not echoed), or one line of standard input. */
  String secretOnce(String prompt) {
    Optional<Console> terminal = Terminal.interactive(in);
    if (terminal.isPresent()) {
      return Optional.ofNullable(terminal.get().readPassword("%s: ", prompt))
          .map(String::valueOf)
          .orElse("");
    }
    return line(prompt);
  }

  /** One line of input (a prompt is shown at a terminal). */
  String line(String prompt) {
    Optional<Console> terminal = Terminal.interactive(in);
    if (terminal.isPresent()) {
      return Optional.ofNullable(terminal.get().readLine("%s: ", prompt)).orElse("").strip();
    }
    try {
      String line = reader.readLine();
      if (line == null) {
        throw new ValidationException(
            prompt
                + ": nothing on standard input (type it at a terminal, or give one line per"
                + " question on standard input)");
      }
      return line.strip();
    } catch (IOException e) {
      throw new ValidationException("cannot read " + prompt + ": " + e.getMessage(), e);
    }
  }
}
