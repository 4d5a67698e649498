package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the {@code racetrack} client in-process against a config file of its own, capturing exit
 * code, standard output and standard error.
 */
final class CliFixture implements AutoCloseable {
  /** What one command did. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  /** A command running on a thread of its own; its output can be read while it runs. */
  static final class Running {
    private final ByteArrayOutputStream out;
    private final ByteArrayOutputStream err;
    private final CompletableFuture<Integer> exit;

    private Running(
        ByteArrayOutputStream out, ByteArrayOutputStream err, CompletableFuture<Integer> exit) {
      this.out = out;
      this.err = err;
      this.exit = exit;
    }

    /** Standard output so far. */
    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    boolean isDone() {
      return exit.isDone();
    }

    /** Waits for the command to end; fails the test if it does not within {@code timeout}. */
    Result await(Duration timeout) {
      try {
        int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Result(code, out(), err.toString(StandardCharsets.UTF_8));
      } catch (TimeoutException e) {
        throw new AssertionError("command still running after " + timeout + "; out:\n" + out(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (ExecutionException e) {
        throw new AssertionError(e.getCause());
      }
    }
  }

  private final Path configFile;
  private final Map<String, String> extraEnv = new java.util.HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  CliFixture(Path dir) {
    this.configFile = dir.resolve("home/.racetrack/config.yaml");
  }

  /** Adds a variable to the environment the CLI sees. */
  CliFixture withEnv(String name, String value) {
    extraEnv.put(name, value);
    return this;
  }

  Path configFile() {
    return configFile;
  }

  Result run(String... args) {
    return runWithStdin("", args);
  }

  Result runWithStdin(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        RacetrackCli.commandLine(
                context(stdin, out, err), RacetrackCli.Subcommands.of(args, Set.of()))
            .execute(args);
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Starts a command in the background (e.g. one that follows a stream). */
  Running start(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context = context("", out, err);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("cli " + String.join(" ", args))
        .start(
            () -> {
              try {
                exit.complete(
                    RacetrackCli.commandLine(context, RacetrackCli.Subcommands.of(args, Set.of()))
                        .execute(args));
              } catch (RuntimeException | Error e) {
                exit.completeExceptionally(e);
              }
            });
    return new Running(out, err, exit);
  }

  private CliContext context(String stdin, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("RACETRACK_CONFIG", configFile.toString());
    return new CliContext(
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        http);
  }

  /** Writes the config file (mode 600) as a logged-in user of {@code lifecycleUrl} would have. */
  void loggedIn(String lifecycleUrl, String token) {
    writeConfig(
        "lifecycle_url: "
            + lifecycleUrl
            + "\nuser_auths:\n  "
            + lifecycleUrl
            + ": "
            + token
            + "\n");
  }

  void writeConfig(String yaml) {
    try {
      Files.createDirectories(configFile.getParent());
      Files.writeString(configFile, yaml);
      Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config file as a map (empty when it does not exist). */
  Map<String, Object> config() {
    if (!Files.exists(configFile)) {
      return Map.of();
    }
    try {
      Map<String, Object> map =
          Json.yaml().readValue(configFile.toFile(), new TypeReference<Map<String, Object>>() {});
      return map == null ? Map.of() : map;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
