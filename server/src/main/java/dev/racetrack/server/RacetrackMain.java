package dev.racetrack.server;

import dev.racetrack.cli.CliContext;
import dev.racetrack.cli.RacetrackCli;
import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import java.nio.file.Path;
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
    // only the command invoked is built (see RacetrackCli.Subcommands): a CLI start saves ~300 ms
    RacetrackCli.Subcommands wanted = RacetrackCli.Subcommands.of(args, Set.of("server", "admin"));
    CommandLine line = RacetrackCli.commandLine(context, wanted);
    if (wanted.wants("server")) {
      line.addSubcommand("server", new ServerCommand(context));
    }
    if (wanted.wants("admin")) {
      line.addSubcommand(
          "admin",
          new CommandLine(
              new AdminCommands(
                  new AdminContext(context.env(), context.in(), context.out(), context.err()))));
    }

    int exit = line.execute(args);
    if (!server || exit != 0) {
      context.close();
      System.exit(exit);
    }
  }

  /** Server: INFO to the console and to DATA_DIR/logs/racetrack.log; client: warnings only. */
  private static void configureLogging(boolean server) {
    if (!server || System.getProperty("logback.configurationFile") != null) {
      return;
    }
    String dataDir = System.getenv("RACETRACK_DATA_DIR");
    Path logs =
        (dataDir == null || dataDir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".racetrack", "data")
                : Path.of(dataDir))
            .resolve("logs");
    System.setProperty("racetrack.logFile", logs.resolve("racetrack.log").toString());
    System.setProperty("logback.configurationFile", "logback-server.xml");
  }
}
