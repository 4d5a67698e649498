package dev.racetrack.cli;

import dev.racetrack.model.error.RacetrackException;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code racetrack} command-line client. */
@Command(
    name = "racetrack",
    mixinStandardHelpOptions = true,
    versionProvider = RacetrackCli.Version.class,
    description = "Deploy, call and manage jobs on a Racetrack platform.",
    subcommands = {
      DeployCommand.class,
      RunLocalCommand.class,
      ValidateCommand.class,
      JobCommands.ListJobs.class,
      JobCommands.Call.class,
      LogCommands.Logs.class,
      LogCommands.BuildLogs.class,
      JobCommands.Delete.class,
      RedeployCommands.Redeploy.class,
      RedeployCommands.Reprovision.class,
      RedeployCommands.Move.class,
      DeploymentsCommand.class,
      MaintenanceCommands.Maintenance.class,
      AuthCommands.Login.class,
      AuthCommands.Logout.class,
      AccountCommands.Register.class,
      AccountCommands.Password.class,
      TokenCommands.Token.class,
      UserCommands.User.class,
      EscCommands.Esc.class,
      PermissionCommands.Permission.class,
      AllowCommands.Allow.class,
      PublicEndpointCommands.PublicEndpoint.class,
      PluginCommands.Plugin.class,
      ConfigCommands.Set.class,
      ConfigCommands.Get.class,
      VersionCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RacetrackCli implements Runnable {
  private final CliContext context;

  @Option(
      names = {"-v", "--verbose"},
      description = "Show stack traces of errors.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public RacetrackCli(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  @Override
  public void run() {
    spec.commandLine().usage(context.out());
  }

  /** A command line wired to a context, with the error handling of the client. */
  public static CommandLine commandLine(CliContext context) {
    RacetrackCli root = new RacetrackCli(context);
    CommandLine line = new CommandLine(root);
    addHelpOptions(line);
    line.setOut(new PrintWriter(context.out(), true));
    line.setErr(new PrintWriter(context.err(), true));
    line.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          String message =
              ex instanceof CliException || ex instanceof RacetrackException
                  ? ex.getMessage()
                  : ex.getClass().getSimpleName() + ": " + ex.getMessage();
          context.err().println("error: " + message);
          if (root.verbose) {
            ex.printStackTrace(context.err());
          }
          return 1;
        });
    return line;
  }

  /**
   * Gives every subcommand {@code -h/--help}. The root's standard help options cannot be inherited:
   * they include {@code --version}, which {@code call}, {@code logs} and others use for the job
   * version.
   */
  private static void addHelpOptions(CommandLine line) {
    for (CommandLine sub : line.getSubcommands().values()) {
      CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
      if (spec.findOption("--help") == null) {
        spec.addOption(
            CommandLine.Model.OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
      }
      addHelpOptions(sub);
    }
  }

  public static void main(String[] args) {
    CliContext context = CliContext.system();
    int exit = commandLine(context).execute(args);
    context.close();
    System.exit(exit);
  }

  /** The client version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"racetrack " + number()};
    }

    static String number() {
      return Optional.ofNullable(RacetrackCli.class.getPackage().getImplementationVersion())
          .orElse("dev");
    }
  }
}
