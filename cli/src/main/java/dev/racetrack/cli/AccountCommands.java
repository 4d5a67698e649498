package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.http.ApiClient;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A user's own account: {@code racetrack register} and {@code racetrack password change}. */
final class AccountCommands {
  private AccountCommands() {}

  @Command(
      name = "register",
      description =
          "Ask for an account; it stays inactive until staff activate it (racetrack user"
              + " activate). The password is typed twice at a terminal, or read from one line of"
              + " standard input.")
  static final class Register implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(paramLabel = "EMAIL", description = "Your email address, the username.")
    String email;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = root.context();
      String url = remote.url(context);
      String password = new PasswordPrompt(context.in()).chosen("Password");
      JsonNode registered =
          context
              .anonymous(url)
              .post(
                  "/api/v1/users/register",
                  Map.of("username", email, "password", password),
                  JsonNode.class);
      context
          .out()
          .println("registered " + registered.path("username").asText(email) + " at " + url);
      String message = registered.path("message").asText("");
      if (!message.isBlank()) {
        context.out().println(message);
      }
      return 0;
    }
  }

  @Command(
      name = "password",
      description = "Your password.",
      subcommands = {ChangePassword.class})
  static final class Password {
    @ParentCommand RacetrackCli root;
  }

  @Command(
      name = "change",
      description =
          "Change your password: the current one, then the new one (typed twice) at a terminal;"
              + " when piped, the current password on the first line and the new one on the"
              + " second.")
  static final class ChangePassword implements Callable<Integer> {
    @ParentCommand Password parent;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.root.context();
      ApiClient api = remote.api(context);
      PasswordPrompt prompt = new PasswordPrompt(context.in());
      String current = prompt.existing("Current password");
      String chosen = prompt.chosen("New password");
      if (chosen.equals(current)) {
        throw new CliException("the new password is the same as the current one");
      }
      api.put(
          "/api/v1/users/change_password",
          Map.of("old_password", current, "new_password", chosen),
          JsonNode.class);
      context.out().println("password changed at " + api.baseUrl());
      return 0;
    }
  }
}
