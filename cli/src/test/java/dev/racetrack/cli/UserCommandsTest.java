package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-admin";
  private static final String USERS = "/api/v1/users";
  private static final String BOB = "/api/v1/users/bob%40example.com";

  UserCommandsTest() {
    super(TOKEN);
  }

  static Map<String, Object> user(
      String username, boolean active, boolean staff, boolean superuser, Long lastLogin) {
    Map<String, Object> user = new HashMap<>();
    user.put("username", username);
    user.put("email", username.contains("@") ? username : username + "@example.com");
    user.put("is_active", active);
    user.put("is_staff", staff);
    user.put("is_superuser", superuser);
    user.put("date_joined", 1_700_000_000L);
    user.put("last_login", lastLogin);
    return user;
  }

  // --- list ---

  @Test
  void userList_asTable_printsOneRowPerUserWithTimes() {
    lifecycle.onApi(
        "GET",
        USERS,
        Response.json(
            List.of(
                user("admin", true, true, true, 1_700_000_600L),
                user("bob@example.com", false, false, false, null))));

    CliFixture.Result result = cli.run("user", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("USERNAME +EMAIL +ACTIVE +STAFF +SUPERUSER +JOINED +LAST LOGIN");
    assertThat(lines.get(1).split("\\s+"))
        .containsExactly(
            "admin",
            "admin@example.com",
            "yes",
            "yes",
            "yes",
            "2023-11-14T22:13:20Z",
            "2023-11-14T22:23:20Z");
    assertThat(lines.get(2).split("\\s+"))
        .containsExactly(
            "bob@example.com",
            "bob@example.com",
            "no",
            "no",
            "no",
            "2023-11-14T22:13:20Z",
            "never");
    assertThat(lifecycle.onlyApiRequest("GET", USERS).header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void userList_asJson_printsServerJsonUnchanged() throws IOException {
    lifecycle.onApi(
        "GET", USERS, Response.json(List.of(user("bob@example.com", false, false, false, null))));

    CliFixture.Result result = cli.run("user", "list", "-o", "json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode users = Json.mapper().readTree(result.out());
    assertThat(users).hasSize(1);
    assertThat(users.get(0).path("username").asText()).isEqualTo("bob@example.com");
    assertThat(users.get(0).path("is_active").asBoolean()).isFalse();
    assertThat(users.get(0).has("last_login")).isTrue();
  }

  @Test
  void userList_withUnknownOutput_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("user", "list", "--output", "yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --output must be table or json, got 'yaml'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void userList_whenNotStaff_printsServerError() {
    lifecycle.onApi("GET", USERS, Response.error(401, "only staff may do this"));

    CliFixture.Result result = cli.run("user", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: only staff may do this\n");
    assertThat(result.out()).isEmpty();
  }

  // --- activate, deactivate, staff ---

  @Test
  void userActivate_putsIsActiveTrueToEncodedUserPath() {
    lifecycle.onApi("PUT", BOB, Response.json(user("bob@example.com", true, false, false, null)));

    CliFixture.Result result = cli.run("user", "activate", "bob@example.com");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("activated user bob@example.com\n");
    Recorded request = lifecycle.onlyApiRequest("PUT", BOB);
    assertThat(request.json()).isEqualTo(Json.mapper().valueToTree(Map.of("is_active", true)));
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void userDeactivate_putsIsActiveFalse() {
    lifecycle.onApi("PUT", BOB, Response.json(user("bob@example.com", false, false, false, null)));

    CliFixture.Result result = cli.run("user", "deactivate", "bob@example.com");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("deactivated user bob@example.com\n");
    assertThat(lifecycle.onlyApiRequest("PUT", BOB).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("is_active", false)));
  }

  @Test
  void userActivate_withUnknownUser_printsServerErrorAndExitsOne() {
    lifecycle.onApi(
        "PUT", "/api/v1/users/nobody", Response.error(404, "user nobody does not exist"));

    CliFixture.Result result = cli.run("user", "activate", "nobody");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: user nobody does not exist\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void userStaff_withTrue_putsIsStaffTrue() {
    lifecycle.onApi("PUT", BOB, Response.json(user("bob@example.com", true, true, false, null)));

    CliFixture.Result result = cli.run("user", "staff", "bob@example.com", "true");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("bob@example.com is now staff\n");
    assertThat(lifecycle.onlyApiRequest("PUT", BOB).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("is_staff", true)));
  }

  @Test
  void userStaff_withFalse_putsIsStaffFalse() {
    lifecycle.onApi("PUT", BOB, Response.json(user("bob@example.com", true, false, false, null)));

    CliFixture.Result result = cli.run("user", "staff", "bob@example.com", "false");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("bob@example.com is no longer staff\n");
    assertThat(lifecycle.onlyApiRequest("PUT", BOB).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("is_staff", false)));
  }

  @Test
  void userStaff_withNeitherTrueNorFalse_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("user", "staff", "bob@example.com", "yes");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: give true or false after USER, got 'yes'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void userStaff_withoutValue_isUsageError() {
    CliFixture.Result result = cli.run("user", "staff", "bob@example.com");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required parameter: 'true|false'");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- set-password ---

  @Test
  void userSetPassword_withPasswordOnStdin_putsItAndNeverPrintsIt() {
    lifecycle.onApi("PUT", BOB, Response.json(user("bob@example.com", true, false, false, null)));

    CliFixture.Result result =
        cli.runWithStdin("Fresh-Secret-9\n", "user", "set-password", "bob@example.com");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("password changed for bob@example.com\n");
    assertThat(lifecycle.onlyApiRequest("PUT", BOB).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("password", "Fresh-Secret-9")));
    assertThat(result.out() + result.err()).doesNotContain("Fresh-Secret-9");
  }

  @Test
  void userSetPassword_whenPolicyRejectsIt_printsServerErrorWithoutPassword() {
    lifecycle.onApi("PUT", BOB, Response.error(400, "password is not accepted: it is too common"));

    CliFixture.Result result =
        cli.runWithStdin("password123\n", "user", "set-password", "bob@example.com", "-v");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: password is not accepted: it is too common\n");
    assertThat(result.out() + result.err()).doesNotContain("password123");
  }

  @Test
  void userSetPassword_withEmptyStdin_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("user", "set-password", "bob@example.com");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: no new password for bob@example.com on standard input\n");
    assertThat(lifecycle.requests()).isEmpty();
  }
}
