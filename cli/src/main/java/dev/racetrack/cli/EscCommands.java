package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.cli.JobCommands.Table;
import dev.racetrack.model.http.ApiClient;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack esc ...}: External Service Consumers and their tokens (staff only). */
final class EscCommands {
  private EscCommands() {}

  @Command(
      name = "esc",
      description = "Manage External Service Consumers (ESCs) and their tokens (staff only).",
      subcommands = {
        ListEscs.class,
        Create.class,
        Delete.class,
        Tokens.class,
        TokenCreate.class,
        TokenRevoke.class,
        CallerToken.class
      })
  static final class Esc {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  static String escPath(String id) {
    return "/api/v1/escs/" + segment(id);
  }

  static String callerToken(ApiClient api, String id) {
    return api.get("/api/v1/auth/token/esc/" + segment(id), JsonNode.class).path("token").asText();
  }

  @Command(name = "list", description = "List the ESCs.")
  static final class ListEscs implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Mixin RemoteOption remote;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      return output.list(
          context.out(),
          () -> remote.api(context).get("/api/v1/escs", JsonNode.class),
          new String[] {"ID", "NAME"},
          e -> new String[] {e.path("id").asText(), e.path("name").asText()});
    }
  }

  @Command(
      name = "create",
      description =
          "Create an ESC and print its id and caller token (for the service's X-Racetrack-Auth"
              + " header). Let it call jobs with: racetrack allow esc ID FAMILY.")
  static final class Create implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(paramLabel = "NAME", description = "What the ESC is, e.g. billing-service.")
    String name;

    @Option(names = "--id", description = "The ESC's id (default: a random UUID).")
    Optional<String> id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      ApiClient api = remote.api(context);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      id.ifPresent(v -> body.put("id", v));
      JsonNode esc = api.post("/api/v1/escs", body, JsonNode.class);
      String created = esc.path("id").asText();
      context.out().println("created ESC " + esc.path("name").asText(name) + " with id " + created);
      context.out().println("token: " + callerToken(api, created));
      return 0;
    }
  }

  @Command(
      name = "delete",
      description = "Delete an ESC with its tokens and permissions; its calls stop at once.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      remote.api(context).delete(escPath(id), JsonNode.class);
      context.out().println("deleted ESC " + id);
      return 0;
    }
  }

  @Command(name = "tokens", description = "List an ESC's tokens (values only with --show-tokens).")
  static final class Tokens implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--show-tokens", description = "Also print the tokens themselves.")
    boolean showTokens;

    @Mixin RemoteOption remote;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      return output.list(
          context.out(),
          () -> tokens(context),
          data -> data.path("tokens"),
          showTokens
              ? new String[] {"ID", "EXPIRES", "ACTIVE", "LAST USE", "TOKEN"}
              : new String[] {"ID", "EXPIRES", "ACTIVE", "LAST USE"},
          token -> {
            String[] row = {
              token.path("id").asText(),
              Table.time(token.path("expiry_time"), "never"),
              UserCommands.yesNo(token.path("active")),
              Table.time(token.path("last_use_time"), "never"),
              token.path("token").asText()
            };
            return showTokens ? row : Arrays.copyOf(row, 4);
          });
    }

    /** The ESC's tokens, their values removed unless asked for. */
    private JsonNode tokens(CliContext context) {
      JsonNode data = remote.api(context).get(escPath(id) + "/auth_data", JsonNode.class);
      if (!showTokens) {
        data.path("tokens")
            .forEach(
                t -> {
                  if (t instanceof ObjectNode token) {
                    token.remove("token");
                  }
                });
      }
      return data;
    }
  }

  @Command(
      name = "token-create",
      description =
          "Give an ESC another token and print it (e.g. to rotate tokens without downtime).")
  static final class TokenCreate implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description = "Expire after this long: 90m, 12h, 30d, 2w (default: never).")
    Optional<String> expiresIn;

    @Option(
        names = "--expires-at",
        paramLabel = "TIME",
        description = "Expire at this ISO-8601 time, e.g. 2030-01-31T12:00:00Z or 2030-01-31.")
    Optional<String> expiresAt;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      Optional<Instant> expiry = TokenExpiry.of(expiresIn, expiresAt, Instant.now());
      Map<String, Object> body = new HashMap<>();
      body.put("expiry_time", expiry.map(Instant::getEpochSecond).orElse(null));
      JsonNode token = remote.api(context).post(escPath(id) + "/auth_token", body, JsonNode.class);
      context
          .out()
          .println(
              "created token "
                  + token.path("id").asText()
                  + " for ESC "
                  + id
                  + ", expires "
                  + Table.time(token.path("expiry_time"), "never"));
      context.out().println("token: " + token.path("token").asText());
      return 0;
    }
  }

  @Command(
      name = "token-revoke",
      description = "Revoke one token of an ESC; it stops working at once.")
  static final class TokenRevoke implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The ESC's id.")
    String id;

    @Parameters(index = "1", paramLabel = "TOKEN_ID", description = "From racetrack esc tokens ID.")
    String tokenId;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      remote.api(context).delete(escPath(id) + "/auth_token/" + segment(tokenId), JsonNode.class);
      context.out().println("revoked token " + tokenId + " of ESC " + id);
      return 0;
    }
  }

  @Command(
      name = "caller-token",
      description =
          "Print the token the ESC's service sends in X-Racetrack-Auth (created if none).")
  static final class CallerToken implements Callable<Integer> {
    @ParentCommand Esc parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      context.out().println(callerToken(remote.api(context), id));
      return 0;
    }
  }
}
