package dev.racetrack.lifecycle;

import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * One {@code racetrack admin} command run in this JVM with the given environment and stdin: its
 * exit code and what it printed (an exception's stack trace goes to {@code err}, exit 2).
 */
record AdminRun(int exit, String out, String err) {

  static AdminRun of(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AdminContext context =
        new AdminContext(
            env,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    CommandLine line = new CommandLine(new AdminCommands(context));
    line.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          ex.printStackTrace(new PrintStream(err, true, StandardCharsets.UTF_8));
          return 2;
        });
    int exit = line.execute(args);
    return new AdminRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
