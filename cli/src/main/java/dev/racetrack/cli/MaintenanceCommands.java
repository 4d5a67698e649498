package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack maintenance status|on|off}: while maintenance mode is on the platform refuses
 * deployments (also redeploy, reprovision, move) and deletions; running jobs keep answering.
 */
final class MaintenanceCommands {
  private static final String PATH = "/api/v1/maintenance";

  private MaintenanceCommands() {}

  @Command(
      name = "maintenance",
      description = "Show or switch maintenance mode (switching: admins only).",
      subcommands = {Status.class, On.class, Off.class})
  static final class Maintenance {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  /** Prints {@code maintenance mode: on|off} from the server's {@code {"enabled": bool}}. */
  static int print(CliContext context, JsonNode answer) {
    JsonNode enabled = answer == null ? null : answer.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw new CliException("unexpected answer from " + PATH + ": " + answer);
    }
    context.out().println("maintenance mode: " + (enabled.booleanValue() ? "on" : "off"));
    return 0;
  }

  static int set(CliContext context, RemoteOption remote, boolean enabled) {
    return print(
        context, remote.api(context).put(PATH, Map.of("enabled", enabled), JsonNode.class));
  }

  @Command(name = "status", description = "Show whether maintenance mode is on.")
  static final class Status implements Callable<Integer> {
    @ParentCommand Maintenance parent;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      return print(context, remote.api(context).get(PATH, JsonNode.class));
    }
  }

  @Command(
      name = "on",
      description = "Refuse deployments and deletions until switched off (admins only).")
  static final class On implements Callable<Integer> {
    @ParentCommand Maintenance parent;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      return set(parent.context(), remote, true);
    }
  }

  @Command(name = "off", description = "Accept deployments and deletions again (admins only).")
  static final class Off implements Callable<Integer> {
    @ParentCommand Maintenance parent;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      return set(parent.context(), remote, false);
    }
  }
}
