package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.JobCommands.Table;
import dev.racetrack.model.http.ApiClient;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack user ...}: staff manage accounts. */
final class UserCommands {
  private UserCommands() {}

  @Command(
      name = "user",
      description = "Manage user accounts (staff only).",
      subcommands = {
        ListUsers.class,
        Activate.class,
        Deactivate.class,
        Staff.class,
        SetPassword.class
      })
  static final class User {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  /** Changes a user and returns the user as the server now has it. */
  static JsonNode update(ApiClient api, String username, Map<String, Object> change) {
    return api.put("/api/v1/users/" + segment(username), change, JsonNode.class);
  }

  @Command(name = "list", description = "List the user accounts.")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand User parent;

    @Mixin RemoteOption remote;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      return output.list(
          context.out(),
          () -> remote.api(context).get("/api/v1/users", JsonNode.class),
          new String[] {
            "USERNAME", "EMAIL", "ACTIVE", "STAFF", "SUPERUSER", "JOINED", "LAST LOGIN"
          },
          user ->
              new String[] {
                user.path("username").asText(),
                user.path("email").asText("-"),
                yesNo(user.path("is_active")),
                yesNo(user.path("is_staff")),
                yesNo(user.path("is_superuser")),
                Table.time(user.path("date_joined"), "-"),
                Table.time(user.path("last_login"), "never")
              });
    }
  }

  static String yesNo(JsonNode flag) {
    return flag.asBoolean() ? "yes" : "no";
  }

  /** Sets {@code is_active}: activate or deactivate. */
  abstract static class SetActive implements Callable<Integer> {
    @ParentCommand User parent;

    @Parameters(paramLabel = "USER")
    String username;

    @Mixin RemoteOption remote;

    private final boolean active;

    SetActive(boolean active) {
      this.active = active;
    }

    @Override
    public Integer call() {
      CliContext context = parent.context();
      JsonNode user = update(remote.api(context), username, Map.of("is_active", active));
      context
          .out()
          .println(
              (active ? "activated" : "deactivated")
                  + " user "
                  + user.path("username").asText(username));
      return 0;
    }
  }

  @Command(name = "activate", description = "Let a user log in (e.g. after racetrack register).")
  static final class Activate extends SetActive {
    Activate() {
      super(true);
    }
  }

  @Command(
      name = "deactivate",
      description = "Stop a user from logging in and calling the API with their tokens.")
  static final class Deactivate extends SetActive {
    Deactivate() {
      super(false);
    }
  }

  @Command(
      name = "staff",
      description =
          "Make a user staff (true) or not (false); staff manage users, ESCs and permissions.")
  static final class Staff implements Callable<Integer> {
    @ParentCommand User parent;

    @Parameters(index = "0", paramLabel = "USER")
    String username;

    @Parameters(index = "1", paramLabel = "true|false")
    String staff;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      boolean makeStaff =
          switch (staff) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CliException("give true or false after USER, got '" + staff + "'");
          };
      JsonNode user = update(remote.api(context), username, Map.of("is_staff", makeStaff));
      String name = user.path("username").asText(username);
      context.out().println(makeStaff ? name + " is now staff" : name + " is no longer staff");
      return 0;
    }
  }

  @Command(
      name = "set-password",
      description =
          "Set a user's password: typed twice at a terminal, or one line of standard input. The"
              + " user's tokens stay valid (racetrack token regenerate --all users replaces"
              + " them).")
  static final class SetPassword implements Callable<Integer> {
    @ParentCommand User parent;

    @Parameters(paramLabel = "USER")
    String username;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      ApiClient api = remote.api(context);
      String password = new PasswordPrompt(context.in()).chosen("New password for " + username);
      JsonNode user = update(api, username, Map.of("password", password));
      context.out().println("password changed for " + user.path("username").asText(username));
      return 0;
    }
  }
}
