package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class RacetrackCliTest {
  /** Every command, as typed after {@code racetrack}. */
  private static final List<String> COMMANDS =
      List.of(
          "deploy",
          "run-local",
          "validate",
          "list",
          "call",
          "logs",
          "build-logs",
          "delete",
          "redeploy",
          "reprovision",
          "move",
          "deployments",
          "maintenance",
          "plugin",
          "plugin install",
          "plugin uninstall",
          "plugin list",
          "plugin download",
          "plugin bundle",
          "maintenance status",
          "maintenance on",
          "maintenance off",
          "login",
          "logout",
          "register",
          "password",
          "password change",
          "token",
          "token regenerate",
          "user",
          "user list",
          "user activate",
          "user deactivate",
          "user staff",
          "user set-password",
          "esc",
          "esc list",
          "esc create",
          "esc delete",
          "esc tokens",
          "esc token-create",
          "esc token-revoke",
          "esc caller-token",
          "permission",
          "permission list",
          "permission grant",
          "permission revoke",
          "allow",
          "allow esc",
          "allow family",
          "public-endpoint",
          "public-endpoint list",
          "public-endpoint activate",
          "public-endpoint deactivate",
          "set",
          "set remote",
          "set alias",
          "set ca-cert",
          "set credentials",
          "get",
          "get remote",
          "get auth-token",
          "get pub",
          "get config",
          "version",
          "completion",
          "help");

  @TempDir Path dir;
  private CliFixture cli;

  @BeforeEach
  void start() {
    cli = new CliFixture(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  static Stream<String> commands() {
    return COMMANDS.stream();
  }

  @ParameterizedTest(name = "racetrack {0} --help")
  @MethodSource("commands")
  void help_forEveryCommand_printsUsageAndExitsZero(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");

    CliFixture.Result result = cli.run(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).containsPattern(usageWithHelpOption(command));
    assertThat(result.err()).isEmpty();
    assertThat(cli.configFile()).doesNotExist();
  }

  @ParameterizedTest(name = "racetrack {0} -h")
  @MethodSource("commands")
  void shortHelp_forEveryCommand_printsUsageAndExitsZero(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("-h");

    CliFixture.Result result = cli.run(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).containsPattern(usageWithHelpOption(command));
  }

  /** Usage of the command whose clustered short options ({@code [-fhv]}) include {@code -h}. */
  private static Pattern usageWithHelpOption(String command) {
    return Pattern.compile(
        "Usage: racetrack " + Pattern.quote(command) + " \\[-[a-zA-Z]*h[a-zA-Z]*[] ]");
  }

  @Test
  void commands_listedForHelpTests_areAllTheCommands() {
    CommandLine line =
        RacetrackCli.commandLine(
            new CliContext(
                Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]),
                HttpClient.newHttpClient()));
    List<String> all = new ArrayList<>();
    collect(line, "", all);

    assertThat(all).containsExactlyInAnyOrderElementsOf(COMMANDS);
  }

  @ParameterizedTest(name = "racetrack {0}: the tree of one invocation")
  @MethodSource("commands")
  void commandLine_ofOneInvocation_holdsOnlyThatCommand_withTheFullTreesUsage(String command) {
    String[] args = command.split(" ");
    RacetrackCli.Subcommands wanted = RacetrackCli.Subcommands.of(args, Set.of());
    CommandLine one = RacetrackCli.commandLine(quietContext(), wanted);
    CommandLine all = RacetrackCli.commandLine(quietContext());

    if (args[0].equals("help") || args[0].equals("completion")) {
      assertThat(wanted).isEqualTo(RacetrackCli.Subcommands.ALL);
      assertThat(one.getSubcommands().keySet()).isEqualTo(all.getSubcommands().keySet());
    } else {
      assertThat(one.getSubcommands().keySet()).containsExactly(args[0]);
    }
    assertThat(usage(one, args)).isEqualTo(usage(all, args));
  }

  private static String usage(CommandLine line, String[] path) {
    CommandLine command = line;
    for (String name : path) {
      command = command.getSubcommands().get(name);
    }
    return command.getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  @Test
  void subcommandsOf_choosesTheInvokedCommandOnly_whereNoOtherIsNeeded() {
    assertThat(RacetrackCli.Subcommands.of(new String[] {"deploy", "."}, Set.of()).only())
        .contains("deploy");
    assertThat(
            RacetrackCli.Subcommands.of(new String[] {"-v", "--verbose", "list"}, Set.of()).only())
        .contains("list");
    assertThat(RacetrackCli.Subcommands.of(new String[] {"server"}, Set.of("server")).only())
        .contains("server");
    // root help, root version, nothing, help and completion list every command; an unknown name
    // gets picocli's suggestions from all of them
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"-v"},
            new String[] {"--help"},
            new String[] {"-V"},
            new String[] {"help", "deploy"},
            new String[] {"completion"},
            new String[] {"deplyo"},
            new String[] {"server"})) {
      assertThat(RacetrackCli.Subcommands.of(args, Set.of()))
          .as(String.join(" ", args))
          .isEqualTo(RacetrackCli.Subcommands.ALL);
    }
  }

  @Test
  void unknownCommand_isRefusedWithASuggestionFromAllCommands() {
    CliFixture.Result result = cli.run("deplyo", ".");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("deplyo").contains("deploy");
  }

  @Test
  void verbose_beforeOrAfterTheCommand_isTheRootsInheritedOption() {
    for (String[] args :
        List.of(
            new String[] {"-v", "validate", dir.resolve("missing").toString()},
            new String[] {"validate", "-v", dir.resolve("missing").toString()})) {
      CliFixture.Result result = cli.run(args);

      assertThat(result.err()).as(String.join(" ", args)).doesNotContain("Unknown option");
      assertThat(result.err()).as(String.join(" ", args)).contains("missing");
    }
  }

  private static CliContext quietContext() {
    return new CliContext(
        Map.of(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]),
        HttpClient.newHttpClient());
  }

  private static void collect(CommandLine line, String prefix, List<String> into) {
    line.getSubcommands()
        .forEach(
            (name, sub) -> {
              into.add(prefix + name);
              collect(sub, prefix + name + " ", into);
            });
  }

  @Test
  void help_ofDeploy_describesItsOptions() {
    CliFixture.Result result = cli.run("deploy", "--help");

    assertThat(result.out())
        .contains(
            "--build-context", "--force", "--no-cache", "--extra-vars", "--remote", "WORKDIR");
  }

  @Test
  void help_ofCall_stillHasVersionOptionForJobVersion() {
    CliFixture.Result result = cli.run("call", "--help");

    assertThat(result.out()).contains("--version=<version>", "Job version or alias");
  }

  @Test
  void noArguments_printsUsageOfAllCommands() {
    CliFixture.Result result = cli.run();

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Usage: racetrack")
        .contains("deploy", "validate", "list", "call", "logs", "build-logs", "delete", "login");
  }

  @Test
  void helpCommand_withCommandName_printsItsUsage() {
    CliFixture.Result result = cli.run("help", "logs");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: racetrack logs");
  }

  @Test
  void version_printsClientVersion() {
    CliFixture.Result result = cli.run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("racetrack ");
  }

  @Test
  void unknownCommand_failsWithUsageError() {
    CliFixture.Result result = cli.run("frobnicate");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unmatched argument", "frobnicate");
  }

  @Test
  void error_withoutVerbose_printsOneLine() {
    CliFixture.Result result = cli.run("get", "auth-token");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).startsWith("error: no token stored for ");
  }

  @Test
  void error_withVerboseAfterCommand_printsStackTrace() {
    CliFixture.Result result = cli.run("get", "auth-token", "-v");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: no token stored for ")
        .contains("CliException", "at dev.racetrack.cli.");
  }

  @Test
  void error_withVerboseBeforeCommand_printsStackTrace() {
    CliFixture.Result result = cli.run("--verbose", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("missing auth token", "at dev.racetrack.cli.");
  }
}
