package dev.racetrack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack version}: the client's version, as the original prints it. */
@Command(name = "version", description = "Print the client's version.")
final class VersionCommand implements Callable<Integer> {
  @ParentCommand RacetrackCli root;

  @Override
  public Integer call() {
    root.context().out().println("racetrack-client version " + RacetrackCli.Version.number());
    return 0;
  }
}
