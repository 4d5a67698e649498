package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.CliContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The distribution's command line: the commands the launcher adds to the client's ({@code server},
 * {@code admin}) answer {@code --help} like the client's own, without starting anything.
 */
class RacetrackMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void serverHelp_printsItsUsage_andStartsNothing() {
    String[] args = {"server", "--help"};
    CliContext context = context();
    try {
      CommandLine line = RacetrackMain.commandLine(context, args);

      int exit = line.execute(args);

      assertThat(exit).as(text(err)).isZero();
      assertThat(text(out))
          .contains("Usage: racetrack server")
          .contains("-h, --help")
          .contains("Start the whole platform on this machine: lifecycle, image builder");
      Object started = line.getSubcommands().get("server").getExecutionResult();
      assertThat(started).as("the platform was started").isNull();
    } finally {
      context.close();
    }
  }

  @Test
  void server_withABadSetting_failsWithTheClientsErrorLine(@TempDir Path data) {
    String[] args = {"server"};
    CliContext context =
        context(Map.of("RACETRACK_DATA_DIR", data.toString(), "LIFECYCLE_PORT", "not-a-port"));
    try {
      int exit = RacetrackMain.commandLine(context, args).execute(args);

      assertThat(exit).isEqualTo(1);
      assertThat(text(err))
          .startsWith("error: ")
          .contains("LIFECYCLE_PORT")
          .doesNotContain("\tat ");
    } finally {
      context.close();
    }
  }

  @Test
  void adminHelp_printsItsUsage() {
    String[] args = {"admin", "--help"};
    CliContext context = context();
    try {
      int exit = RacetrackMain.commandLine(context, args).execute(args);

      assertThat(exit).as(text(err)).isZero();
      assertThat(text(out)).contains("Usage: racetrack admin");
    } finally {
      context.close();
    }
  }

  @Test
  void adminCreatesuperuser_withoutAPasswordOnStandardInput_saysWhatIsMissing(@TempDir Path data) {
    int exit = run(data, "admin", "createsuperuser", "--username", "root", "--email", "root@x.io");

    assertThat(exit).isEqualTo(1);
    assertThat(text(err))
        .startsWith("error: Password: nothing on standard input (type it at a terminal")
        .doesNotContain("Exception");
  }

  @Test
  void adminGenerateAuth_withoutADatabase_namesTheDataDirectory(@TempDir Path data) {
    int exit = run(data, "admin", "generate-auth", "tool", "--lifetime", "1h");

    assertThat(exit).isEqualTo(1);
    assertThat(text(err))
        .startsWith("error: no Racetrack database in " + data)
        .doesNotContain("Exception");
  }

  @Test
  void adminGenerateAuth_aLifetimeAboveTheLimit_isRefusedAsTyped(@TempDir Path data) {
    int exit = run(data, "admin", "generate-auth", "tool", "--lifetime", "400d");

    assertThat(exit).isNotZero();
    assertThat(text(err))
        .contains("--lifetime must be positive and at most 366d, got '400d'")
        .doesNotContain("PT");
  }

  /** Runs the distribution's command line on {@code data} with nothing on standard input. */
  private int run(Path data, String... args) {
    CliContext context = context(Map.of("RACETRACK_DATA_DIR", data.toString()));
    try {
      return RacetrackMain.commandLine(context, args).execute(args);
    } finally {
      context.close();
    }
  }

  @Test
  void rootHelp_listsServer_withItsWholeFirstSentence() {
    String[] args = {"--help"};
    CliContext context = context();
    try {
      int exit = RacetrackMain.commandLine(context, args).execute(args);

      assertThat(exit).as(text(err)).isZero();
      String listed = text(out).replaceAll("\\s+", " ");
      assertThat(listed)
          .contains(
              "server Start the whole platform on this machine: lifecycle, image builder, PUB and"
                  + " supervisor, with embedded PostgreSQL and the local infrastructure target.")
          .contains("admin ");
    } finally {
      context.close();
    }
  }

  private CliContext context() {
    return context(Map.of());
  }

  private CliContext context(Map<String, String> env) {
    return new CliContext(
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]),
        HttpClient.newHttpClient());
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
