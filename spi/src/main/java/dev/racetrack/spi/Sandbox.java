package dev.racetrack.spi;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Confines the processes the platform starts for jobs: every job process and every build step
 * (venv, pip, javac). A confined process sees its own directories, a private {@code /tmp},
 * read-only system directories and the read-only directories it asks for; nothing of the platform's
 * data directory, no other process and no platform environment. The network stays shared (jobs
 * listen on loopback).
 *
 * <p>Two implementations: {@link Bubblewrap} ({@code bwrap}, the default) and {@link #none()} for a
 * trusted single-user machine ({@value #VARIABLE}{@code =none}).
 */
public interface Sandbox {
  /** The setting that selects the sandbox. */
  String VARIABLE = "RACETRACK_SANDBOX";

  /**
   * A process builder running {@code spec} confined: its command, directory and environment are set
   * (the environment is exactly {@code spec.env()}, adjusted by the sandbox); the caller sets
   * redirects and starts it.
   *
   * @throws SandboxException when the sandbox tool is missing, naming the command that installs it
   */
  ProcessBuilder processBuilder(Spec spec);

  /**
   * The process standing for a started confined command: it lives as long as the command does, and
   * killing it ends the command with everything it started. Track this one (not the sandbox tool's
   * outer process) to watch, adopt and stop the command.
   */
  ProcessHandle handleOf(Process started);

  /** What this sandbox is, for the start-up log. */
  String describe();

  /** Whether this sandbox actually confines processes. */
  boolean confines();

  /** No confinement: the command runs as a plain process (explicit opt-out). */
  static Sandbox none() {
    return None.INSTANCE;
  }

  /**
   * The sandbox a mode selects.
   *
   * @param hidden directories confined processes must never see (the platform's data directory),
   *     covered when a bound directory contains them
   * @param lookup finds a program on PATH (injected by tests)
   */
  static Sandbox create(Mode mode, List<Path> hidden, Function<String, Optional<Path>> lookup) {
    return switch (mode) {
      case NONE -> none();
      case BWRAP -> new Bubblewrap(lookup.apply(Bubblewrap.PROGRAM), hidden);
    };
  }

  /** Looks a program up on the {@code PATH} of {@code env}. */
  static Optional<Path> onPath(Map<String, String> env, String program) {
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Which sandbox {@value #VARIABLE} selects. */
  enum Mode {
    BWRAP,
    NONE;

    /** Reads {@value #VARIABLE} ({@code bwrap}, the default, or {@code none}). */
    public static Mode fromEnv(EnvReader env) {
      String value = env.string(VARIABLE, "bwrap").toLowerCase(Locale.ROOT);
      return switch (value) {
        case "bwrap" -> BWRAP;
        case "none" -> NONE;
        default ->
            throw new ValidationException(
                "environment variable "
                    + VARIABLE
                    + " must be bwrap or none, got '"
                    + env.string(VARIABLE, "")
                    + "'");
      };
    }
  }

  /**
   * One confined command.
   *
   * @param command program and arguments (an absolute program path, or one found on the sandbox's
   *     PATH inside read-only system directories)
   * @param workDir working directory (inside one of the bound directories)
   * @param env the complete environment of the process
   * @param writable directories the process may write (its own)
   * @param readOnly further directories (or files) it may read: an interpreter's prefix, a JDK
   * @param dieWithParent whether the process dies with the platform (build steps) or outlives it
   *     (job processes)
   */
  record Spec(
      List<String> command,
      Path workDir,
      Map<String, String> env,
      List<Path> writable,
      List<Path> readOnly,
      boolean dieWithParent) {
    public Spec {
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command must not be empty");
      }
      Objects.requireNonNull(workDir, "workDir");
      env = Map.copyOf(env);
      writable = List.copyOf(writable);
      readOnly = List.copyOf(readOnly);
    }

    @Override
    public String toString() {
      return "Sandbox.Spec["
          + command.getFirst()
          + " in "
          + workDir
          + ", env="
          + env.keySet()
          + "]";
    }
  }

  /** The explicit opt-out. */
  final class None implements Sandbox {
    private static final None INSTANCE = new None();

    private None() {}

    @Override
    public ProcessBuilder processBuilder(Spec spec) {
      ProcessBuilder builder =
          new ProcessBuilder(new ArrayList<>(spec.command())).directory(spec.workDir().toFile());
      builder.environment().clear();
      builder.environment().putAll(spec.env());
      return builder;
    }

    @Override
    public ProcessHandle handleOf(Process started) {
      return started.toHandle();
    }

    @Override
    public String describe() {
      return "none (jobs and builds run unconfined)";
    }

    @Override
    public boolean confines() {
      return false;
    }
  }
}
