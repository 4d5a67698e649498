package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.http.ApiClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack login} and {@code racetrack logout}. */
final class AuthCommands {
  private AuthCommands() {}

  @Command(
      name = "login",
      description = {
        "Store a token for a remote: give the token, or --username to log in with a password",
        "(read from the terminal, or from standard input when piped)."
      })
  static final class Login implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(
        arity = "0..1",
        paramLabel = "TOKEN",
        description = "Your token (Profile page, or racetrack get auth-token elsewhere).")
    Optional<String> token;

    @Option(
        names = {"-u", "--username"},
        description = "Log in with this username and a password instead.")
    Optional<String> username;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = root.context();
      String url = context.remote(remote);
      String accepted;
      String user;
      if (username.isPresent()) {
        JsonNode profile =
            context
                .anonymous(url)
                .post(
                    "/api/v1/users/login",
                    Map.of(
                        "username",
                        username.get(),
                        "password",
                        new PasswordPrompt(context.in()).existing("Password")),
                    JsonNode.class);
        accepted = profile.path("token").asText();
        user = profile.path("username").asText();
      } else {
        String given = token.orElseThrow(() -> new CliException("give a TOKEN or --username"));
        JsonNode profile =
            context
                .anonymous(url)
                .withHeader(ApiClient.AUTH_HEADER, given)
                .get("/api/v1/users/validate_user_auth", JsonNode.class);
        accepted = given;
        user = profile.path("username").asText();
      }
      ClientConfig config = context.config();
      config.setToken(url, accepted);
      config.save();
      context.out().println("logged in to " + url + " as " + user);
      return 0;
    }
  }

  @Command(name = "logout", description = "Forget the token stored for a remote.")
  static final class Logout implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = root.context();
      String url = context.remote(remote);
      ClientConfig config = context.config();
      boolean removed = config.removeToken(url);
      config.save();
      context.out().println(removed ? "logged out of " + url : "no token was stored for " + url);
      return 0;
    }
  }
}
