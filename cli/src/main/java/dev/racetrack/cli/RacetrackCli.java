package dev.racetrack.cli;

import dev.racetrack.model.error.RacetrackException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code racetrack} command-line client. */
@Command(
    name = "racetrack",
    mixinStandardHelpOptions = true,
    versionProvider = RacetrackCli.Version.class,
    description = "Deploy, call and manage jobs on a Racetrack platform.")
public final class RacetrackCli implements Runnable {
  /** The root's subcommands, in the order its help lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
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
          CommandLine.HelpCommand.class);

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

  /**
   * A command line with every command, wired to a context, with the error handling of the client.
   */
  public static CommandLine commandLine(CliContext context) {
    return commandLine(context, Subcommands.ALL);
  }

  /**
   * A command line wired to a context, with the error handling of the client, and with the root's
   * subcommands {@code wanted}: picocli builds the model of every command it is given (reflection
   * over each class's annotations, about 300 ms for the whole tree at a CLI's start), so a command
   * line for one invocation is given only the command invoked.
   */
  public static CommandLine commandLine(CliContext context, Subcommands wanted) {
    return commandLine(context, wanted, Map.of());
  }

  /**
   * As {@link #commandLine(CliContext, Subcommands)}, with commands a launcher adds itself ({@code
   * launcherCommands}: name to command object or {@link CommandLine}), which get the same help
   * option, output streams and error handling as the client's.
   */
  public static CommandLine commandLine(
      CliContext context, Subcommands wanted, Map<String, Object> launcherCommands) {
    RacetrackCli root = new RacetrackCli(context);
    CommandLine line = new CommandLine(root);
    for (Class<?> command : SUBCOMMANDS) {
      if (Subcommands.names(command).stream().anyMatch(wanted::wants)) {
        line.addSubcommand(command);
      }
    }
    launcherCommands.forEach(line::addSubcommand);
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
    int exit = commandLine(context, Subcommands.of(args, Set.of())).execute(args);
    context.close();
    System.exit(exit);
  }

  /**
   * Which of the root's subcommands a command line needs: all, or only the one invoked.
   *
   * @param only the one command's name; empty for all
   */
  public record Subcommands(Optional<String> only) {
    /** Every command. */
    public static final Subcommands ALL = new Subcommands(Optional.empty());

    /** Whether the command named {@code name} is wanted. */
    public boolean wants(String name) {
      return only.isEmpty() || only.get().equals(name);
    }

    /**
     * Only the command {@code args} invoke, when the first argument besides the root's {@code
     * -v}/{@code --verbose} names one (of the client's or of {@code others}, commands a launcher
     * adds itself); every command otherwise: for the root's help and version, for the {@code help}
     * and {@code completion} commands (which list them all) and for a name no command has (so that
     * the error can suggest one).
     */
    public static Subcommands of(String[] args, Set<String> others) {
      int i = 0;
      while (i < args.length && (args[i].equals("-v") || args[i].equals("--verbose"))) {
        i++;
      }
      if (i == args.length) {
        return ALL;
      }
      String name = args[i];
      if (name.equals("help") || name.equals("completion")) {
        return ALL;
      }
      boolean known =
          others.contains(name)
              || SUBCOMMANDS.stream().anyMatch(command -> names(command).contains(name));
      return known ? new Subcommands(Optional.of(name)) : ALL;
    }

    /** A command class's name and aliases, from its annotation (no model is built). */
    static List<String> names(Class<?> command) {
      Command annotation = command.getAnnotation(Command.class);
      List<String> names = new ArrayList<>();
      names.add(annotation.name());
      names.addAll(Arrays.asList(annotation.aliases()));
      return names;
    }
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
