package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack public-endpoint ...}: the {@code public_endpoints} jobs ask for in their
 * manifests wait for staff to activate them; active ones need no token at the gateway.
 */
final class PublicEndpointCommands {
  private PublicEndpointCommands() {}

  @Command(
      name = "public-endpoint",
      description = "Review the job endpoints callable without a token (staff only).",
      subcommands = {ListEndpoints.class, Activate.class, Deactivate.class})
  static final class PublicEndpoint {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  @Command(name = "list", description = "List requested public endpoints, active or not.")
  static final class ListEndpoints implements Callable<Integer> {
    @ParentCommand PublicEndpoint parent;

    @Mixin RemoteOption remote;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      return output.list(
          context.out(),
          () -> remote.api(context).get("/api/v1/public_endpoints", JsonNode.class),
          new String[] {"ID", "JOB", "VERSION", "ACTIVE", "ENDPOINT"},
          e ->
              new String[] {
                e.path("id").asText(),
                e.path("job_name").asText(),
                e.path("job_version").asText(),
                UserCommands.yesNo(e.path("active")),
                e.path("endpoint").asText()
              });
    }
  }

  static String set(CliContext context, RemoteOption remote, String id, boolean active) {
    JsonNode e =
        remote
            .api(context)
            .put(
                "/api/v1/public_endpoints/" + segment(id),
                Map.of("active", active),
                JsonNode.class);
    return e.path("endpoint").asText()
        + " of job "
        + e.path("job_name").asText()
        + " v"
        + e.path("job_version").asText();
  }

  @Command(name = "activate", description = "Let anyone call the endpoint without a token.")
  static final class Activate implements Callable<Integer> {
    @ParentCommand PublicEndpoint parent;

    @Parameters(paramLabel = "ID", description = "From racetrack public-endpoint list.")
    String id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      context.out().println("activated public endpoint " + set(context, remote, id, true));
      return 0;
    }
  }

  @Command(name = "deactivate", description = "Require a token for the endpoint again.")
  static final class Deactivate implements Callable<Integer> {
    @ParentCommand PublicEndpoint parent;

    @Parameters(paramLabel = "ID", description = "From racetrack public-endpoint list.")
    String id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      context.out().println("deactivated public endpoint " + set(context, remote, id, false));
      return 0;
    }
  }
}
