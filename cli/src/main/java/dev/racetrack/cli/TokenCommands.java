package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.http.ApiClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack token regenerate}: replace tokens, e.g. after one leaked. */
final class TokenCommands {
  /** What {@code --all} accepts, and the endpoint regenerating each kind. */
  private static final Map<String, String> ALL =
      Map.of(
          "users", "/api/v1/auth/token/user/all/regenerate",
          "families", "/api/v1/auth/token/job_family/regenerate",
          "escs", "/api/v1/auth/token/esc/regenerate");

  private TokenCommands() {}

  @Command(
      name = "token",
      description = "Replace auth tokens.",
      subcommands = {Regenerate.class})
  static final class Token {
    @ParentCommand RacetrackCli root;
  }

  @Command(
      name = "regenerate",
      description =
          "Replace your own tokens and store the new one for the remote (the old ones stop"
              + " working); with --all (needs call_admin_api), replace every token of all users,"
              + " job families or ESCs.")
  static final class Regenerate implements Callable<Integer> {
    @ParentCommand Token parent;

    @Option(
        names = "--all",
        paramLabel = "KIND",
        description = "users, families or escs: every token of that kind.")
    Optional<String> all;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.root.context();
      Optional<String> endpoint = all.map(TokenCommands::allEndpoint);
      String url = remote.url(context);
      ApiClient api = context.api(url);
      JsonNode result =
          api.post(endpoint.orElse("/api/v1/auth/token/user/regenerate"), Map.of(), JsonNode.class);
      if (result.hasNonNull("new_token")) {
        ClientConfig config = context.config();
        config.setToken(url, result.get("new_token").asText());
        config.save();
        context
            .out()
            .println(
                "regenerated your tokens; the new one is stored for "
                    + url
                    + " (racetrack get auth-token prints it)");
        return 0;
      }
      String kind =
          switch (result.path("subject_type").asText("user")) {
            case "job_family" -> "job family";
            case "esc" -> "ESC";
            default -> "user";
          };
      context
          .out()
          .println("regenerated " + result.path("regenerated").asInt() + " " + kind + " tokens");
      if (all.filter("users"::equals).isPresent()) {
        context
            .err()
            .println(
                "note: if you are logged in to "
                    + url
                    + " as a user, your stored token was replaced too: log in again with"
                    + " racetrack login --username USER");
      }
      return 0;
    }
  }

  private static String allEndpoint(String kind) {
    String endpoint = ALL.get(kind);
    if (endpoint == null) {
      throw new CliException("--all must be users, families or escs, got '" + kind + "'");
    }
    return endpoint;
  }
}
