package dev.racetrack.python3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the wrapper's own Python test suite (unittest, stdlib only) as part of the build. */
class PythonWrapperSuiteTest {

  @Test
  void pythonUnitTests_allPass() throws IOException, InterruptedException {
    Path tests = Path.of("src/test/python").toAbsolutePath();
    ProcessBuilder builder =
        new ProcessBuilder("python3", "-m", "unittest", "discover", "-v")
            .directory(tests.toFile())
            .redirectErrorStream(true);
    builder
        .environment()
        .put(
            "PYTHONPATH",
            Path.of("src/main/resources/dev/racetrack/python3/wrapper")
                .toAbsolutePath()
                .toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(
        output
            .lines()
            .filter(l -> l.startsWith("Ran ") || l.startsWith("OK") || l.startsWith("FAILED"))
            .toList());
    assertThat(process.exitValue()).as("python unittest output:\n%s", output).isZero();
    assertThat(output).contains("OK");
  }
}
