package dev.racetrack.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Commands about a job's output: logs (recent or followed) and build logs. */
final class LogCommands {
  private LogCommands() {}

  @Command(
      name = "logs",
      description =
          "Show a job's recent output; with --follow, keep printing new lines as the job writes"
              + " them until Ctrl-C.")
  static final class Logs implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--version",
        defaultValue = "latest",
        description = "Job version or alias (default: latest).")
    String version;

    @Option(
        names = "--tail",
        defaultValue = "20",
        description = "Number of last lines (default: 20).")
    int tail;

    @Option(
        names = {"-f", "--follow"},
        description =
            "After the last lines, print new ones as they come, until Ctrl-C or the platform"
                + " ends the stream.")
    boolean follow;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() throws InterruptedException {
      CliContext context = root.context();
      String lifecycle = context.remote(remote);
      String logs =
          "/api/v1/job/"
              + JobCommands.segment(name)
              + "/"
              + JobCommands.segment(version)
              + "/logs/";
      if (follow) {
        LogStream.follow(context, lifecycle, logs + "stream?tail=" + tail, context.out());
        return 0;
      }
      String text = context.api(lifecycle).getText(logs + "plain?tail=" + tail);
      context.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
      return 0;
    }
  }

  @Command(name = "build-logs", description = "Show the build log of a job's last deployment.")
  static final class BuildLogs implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--version",
        defaultValue = "latest",
        description = "Job version or alias (default: latest).")
    String version;

    @Option(
        names = "--tail",
        defaultValue = "0",
        description = "Number of last lines (default: 0, everything).")
    int tail;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = root.context();
      String text =
          context
              .api(context.remote(remote))
              .getText(
                  "/api/v1/job/"
                      + JobCommands.segment(name)
                      + "/"
                      + JobCommands.segment(version)
                      + "/build-logs/plain?tail="
                      + tail);
      context.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
      return 0;
    }
  }
}
