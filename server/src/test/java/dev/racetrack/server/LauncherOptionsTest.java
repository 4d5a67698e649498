package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM options the {@code racetrack} launcher (at the repository root) gives {@code racetrack
 * server}, checked by the JVM itself: the launcher's option list is evaluated by bash as the
 * launcher does, then handed to {@code java -XX:+PrintFlagsFinal -version}.
 */
class LauncherOptionsTest {
  private static final Path LAUNCHER = Path.of("..", "racetrack").toAbsolutePath().normalize();

  @Test
  void serverOptions_whenGivenToTheJvm_selectTheSerialCollector() throws Exception {
    List<String> options = serverOptions();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));

    Result flags = run(command);

    assertThat(flags.exitCode()).as(flags.output()).isZero();
    assertThat(flag(flags.output(), "UseSerialGC")).isEqualTo("true");
    assertThat(flag(flags.output(), "UseG1GC")).isEqualTo("false");
    assertThat(options).contains("-Dio.netty.leakDetection.level=disabled");
  }

  /** The server's options as the launcher's bash array holds them. */
  private static List<String> serverOptions() throws IOException, InterruptedException {
    assertThat(LAUNCHER).isRegularFile();
    String script =
        """
        set -euo pipefail
        block=$(sed -n '/^  JAVA_OPTS_DEFAULT=(-Xmx/,/)$/p' "$1")
        [ -n "$block" ] || { echo "no server options in $1" >&2; exit 1; }
        eval "$block"
        printf '%s\\n' "${JAVA_OPTS_DEFAULT[@]}"
        """;
    Result printed = run(List.of("bash", "-c", script, "bash", LAUNCHER.toString()));
    assertThat(printed.exitCode()).as(printed.output()).isZero();
    List<String> options = printed.output().lines().filter(l -> !l.isBlank()).toList();
    assertThat(options).anyMatch(o -> o.startsWith("-Xmx"));
    return options;
  }

  /** A flag's final value in {@code -XX:+PrintFlagsFinal} output. */
  private static String flag(String printed, String name) {
    return printed
        .lines()
        .map(String::strip)
        .map(line -> line.split("\\s+"))
        .filter(f -> f.length >= 4 && f[1].equals(name) && f[2].equals("="))
        .map(f -> f[3])
        .findFirst()
        .orElseThrow(() -> new AssertionError("no flag " + name + " in:\n" + printed));
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("launcher-options", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      int code = process.waitFor();
      return new Result(code, Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
