package dev.racetrack.server;

import dev.racetrack.cli.CliContext;
import dev.racetrack.cli.RacetrackCli;
import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.model.config.EnvReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The {@code racetrack} launcher of the distribution: the client's commands plus {@code server},
 * which runs the platform.
 */
public final class RacetrackMain {
  private RacetrackMain() {}

  public static void main(String[] args) {
    boolean server = args.length > 0 && "server".equals(args[0]);
    configureLogging(server);
    CliContext context = CliContext.system();
    CommandLine line = commandLine(context, args);
    int exit = line.execute(args);
    CommandLine serverCommand = line.getSubcommands().get("server");
    boolean served = serverCommand != null && serverCommand.getExecutionResult() != null;
    if (!served || exit != 0) { // a client command, or server's help or a mistake in its options
      context.close();
      System.exit(exit);
    }
  }

  /**
   * The command line for {@code args}: the client's commands and, when invoked, {@code server} and
   * {@code admin}, each with {@code -h/--help}. Only the command invoked is built (see {@link
   * RacetrackCli.Subcommands}): a CLI start saves ~300 ms.
   */
  static CommandLine commandLine(CliContext context, String[] args) {
    RacetrackCli.Subcommands wanted = RacetrackCli.Subcommands.of(args, Set.of("server", "admin"));
    Map<String, Object> launcherCommands = new LinkedHashMap<>();
    if (wanted.wants("server")) {
      launcherCommands.put("server", new ServerCommand(context));
    }
    if (wanted.wants("admin")) {
      launcherCommands.put(
          "admin",
          new CommandLine(
              new AdminCommands(
                  new AdminContext(context.env(), context.in(), context.out(), context.err()))));
    }
    return RacetrackCli.commandLine(context, wanted, launcherCommands);
  }

  /** Server: INFO to the console and to DATA_DIR/logs/racetrack.log; client: warnings only. */
  private static void configureLogging(boolean server) {
    if (!server || System.getProperty("logback.configurationFile") != null) {
      return;
    }
    Path logs = new EnvReader(System.getenv()).dataDir().resolve("logs");
    System.setProperty("racetrack.logFile", logs.resolve("racetrack.log").toString());
    System.setProperty("logback.configurationFile", "logback-server.xml");
  }
}
