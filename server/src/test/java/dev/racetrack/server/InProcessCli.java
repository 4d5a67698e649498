package dev.racetrack.server;

import dev.racetrack.cli.CliContext;
import dev.racetrack.cli.RacetrackCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code racetrack} CLI run in this JVM as a user would run it, its configuration (remote,
 * login) kept under {@code home/client}: the exit code and what it printed.
 */
record InProcessCli(int exitCode, String out, String err) {

  static InProcessCli run(Path home, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context =
        new CliContext(
            Map.of("RACETRACK_CONFIG", home.resolve("client/config.yaml").toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            HttpClient.newHttpClient());
    try {
      int code = RacetrackCli.commandLine(context).execute(args);
      return new InProcessCli(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      context.close();
    }
  }

  /** Logs in as {@code username} against the platform's lifecycle (the password on stdin). */
  static InProcessCli login(Path home, PlatformFixture platform, String username, String password) {
    return run(
        home, password + "\n", "login", "--username", username, "--remote", platform.lifecycle(""));
  }
}
