package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-admin";
  private static final String ESCS = "/api/v1/escs";

  EscCommandsTest() {
    super(TOKEN);
  }

  static Map<String, Object> token(String id, String value, Long expiry, Long lastUse) {
    Map<String, Object> token = new HashMap<>();
    token.put("id", id);
    token.put("token", value);
    token.put("expiry_time", expiry);
    token.put("active", true);
    token.put("last_use_time", lastUse);
    return token;
  }

  // --- list ---

  @Test
  void escList_asTable_printsIdsAndNames() {
    lifecycle.onApi(
        "GET",
        ESCS,
        Response.json(
            List.of(
                Map.of("id", "billing", "name", "Billing service"),
                Map.of("id", "5f0c", "name", "crm"))));

    CliFixture.Result result = cli.run("esc", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("ID       NAME\nbilling  Billing service\n5f0c     crm\n");
    assertThat(lifecycle.onlyApiRequest("GET", ESCS).header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void escList_asJson_printsServerJson() throws IOException {
    lifecycle.onApi("GET", ESCS, Response.json(List.of(Map.of("id", "billing", "name", "b"))));

    CliFixture.Result result = cli.run("esc", "list", "-o", "json");

    assertThat(Json.mapper().readTree(result.out()))
        .isEqualTo(Json.mapper().readTree("[{\"id\":\"billing\",\"name\":\"b\"}]"));
  }

  @Test
  void escList_whenNotStaff_printsServerError() {
    lifecycle.onApi("GET", ESCS, Response.error(401, "only staff may manage ESCs"));

    CliFixture.Result result = cli.run("esc", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: only staff may manage ESCs\n");
  }

  // --- create ---

  @Test
  void escCreate_withId_postsNameAndIdThenPrintsIdAndCallerToken() {
    lifecycle
        .onApi("POST", ESCS, Response.json(Map.of("id", "billing", "name", "Billing service")))
        .onApi("GET", "/api/v1/auth/token/esc/billing", Response.json(Map.of("token", "esc-tok")));

    CliFixture.Result result = cli.run("esc", "create", "Billing service", "--id", "billing");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo("created ESC Billing service with id billing\ntoken: esc-tok\n");
    assertThat(lifecycle.onlyApiRequest("POST", ESCS).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("name", "Billing service", "id", "billing")));
  }

  @Test
  void escCreate_withoutId_sendsOnlyNameAndUsesTheIdTheServerChose() {
    lifecycle
        .onApi("POST", ESCS, Response.json(Map.of("id", "1b2c-uuid", "name", "crm")))
        .onApi("GET", "/api/v1/auth/token/esc/1b2c-uuid", Response.json(Map.of("token", "t")));

    CliFixture.Result result = cli.run("esc", "create", "crm");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("created ESC crm with id 1b2c-uuid\ntoken: t\n");
    assertThat(lifecycle.onlyApiRequest("POST", ESCS).json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("name", "crm")));
  }

  @Test
  void escCreate_withTakenId_printsServerErrorAndAsksForNoToken() {
    lifecycle.onApi("POST", ESCS, Response.error(409, "ESC with id billing already exists"));

    CliFixture.Result result = cli.run("esc", "create", "b", "--id", "billing");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: ESC with id billing already exists\n");
    assertThat(lifecycle.requests()).hasSize(1);
  }

  // --- delete ---

  @Test
  void escDelete_deletesEncodedId() {
    lifecycle.onApi("DELETE", ESCS + "/billing", Response.json(Map.of("deleted", "billing")));

    CliFixture.Result result = cli.run("esc", "delete", "billing");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("deleted ESC billing\n");
    assertThat(lifecycle.onlyApiRequest("DELETE", ESCS + "/billing").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void escDelete_withUnknownId_printsServerError() {
    CliFixture.Result result = cli.run("esc", "delete", "a b");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no route for DELETE /lifecycle/api/v1/escs/a%20b\n");
  }

  // --- tokens ---

  private void scriptAuthData() {
    lifecycle.onApi(
        "GET",
        ESCS + "/billing/auth_data",
        Response.json(
            Map.of(
                "id",
                "billing",
                "name",
                "Billing",
                "tokens",
                List.of(
                    token("t1", "secret-value-1", null, 1_700_000_600L),
                    token("t2", "secret-value-2", 1_900_000_000L, null)))));
  }

  @Test
  void escTokens_withoutShowTokens_printsTableWithoutTokenValues() {
    scriptAuthData();

    CliFixture.Result result = cli.run("esc", "tokens", "billing");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "ID  EXPIRES               ACTIVE  LAST USE",
            "t1  never                 yes     2023-11-14T22:23:20Z",
            "t2  2030-03-17T17:46:40Z  yes     never");
    assertThat(result.out()).doesNotContain("secret-value");
  }

  @Test
  void escTokens_withShowTokens_addsTokenColumn() {
    scriptAuthData();

    CliFixture.Result result = cli.run("esc", "tokens", "billing", "--show-tokens");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).matches("ID +EXPIRES +ACTIVE +LAST USE +TOKEN");
    assertThat(lines.get(1)).endsWith("  secret-value-1");
    assertThat(lines.get(2)).endsWith("  secret-value-2");
  }

  @Test
  void escTokens_asJsonWithoutShowTokens_omitsTokenValues() throws IOException {
    scriptAuthData();

    CliFixture.Result result = cli.run("esc", "tokens", "billing", "-o", "json");

    assertThat(result.out()).doesNotContain("secret-value");
    JsonNode data = Json.mapper().readTree(result.out());
    assertThat(data.path("name").asText()).isEqualTo("Billing");
    assertThat(data.path("tokens").get(1).path("expiry_time").asLong()).isEqualTo(1_900_000_000L);
    assertThat(data.path("tokens").get(0).has("token")).isFalse();
  }

  @Test
  void escTokens_asJsonWithShowTokens_keepsTokenValues() throws IOException {
    scriptAuthData();

    CliFixture.Result result = cli.run("esc", "tokens", "billing", "-o", "json", "--show-tokens");

    JsonNode data = Json.mapper().readTree(result.out());
    assertThat(data.path("tokens").get(0).path("token").asText()).isEqualTo("secret-value-1");
  }

  @Test
  void escTokens_ofUnknownEsc_printsServerError() {
    lifecycle.onApi("GET", ESCS + "/nope/auth_data", Response.error(404, "ESC nope not found"));

    CliFixture.Result result = cli.run("esc", "tokens", "nope");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: ESC nope not found\n");
  }

  // --- token-create ---

  private static final String AUTH_TOKEN = ESCS + "/billing/auth_token";

  @Test
  void escTokenCreate_withoutExpiry_sendsNullExpiryAndPrintsToken() {
    lifecycle.onApi("POST", AUTH_TOKEN, Response.json(token("t3", "new-esc-tok", null, null)));

    CliFixture.Result result = cli.run("esc", "token-create", "billing");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo("created token t3 for ESC billing, expires never\ntoken: new-esc-tok\n");
    JsonNode body = lifecycle.onlyApiRequest("POST", AUTH_TOKEN).json();
    assertThat(body.has("expiry_time")).isTrue();
    assertThat(body.get("expiry_time").isNull()).isTrue();
  }

  @Test
  void escTokenCreate_withExpiresIn_sendsNowPlusDurationInUnixSeconds() {
    lifecycle.onApi("POST", AUTH_TOKEN, Response.json(token("t3", "tok", 1_900_000_000L, null)));
    Instant before = Instant.now();

    CliFixture.Result result = cli.run("esc", "token-create", "billing", "--expires-in", "30d");

    Instant after = Instant.now();
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .startsWith("created token t3 for ESC billing, expires 2030-03-17T17:46:40Z\n");
    long sent = lifecycle.onlyApiRequest("POST", AUTH_TOKEN).json().path("expiry_time").asLong();
    assertThat(sent)
        .isBetween(
            before.plus(Duration.ofDays(30)).getEpochSecond(),
            after.plus(Duration.ofDays(30)).getEpochSecond());
  }

  @Test
  void escTokenCreate_withExpiresAt_sendsThatMomentInUnixSeconds() {
    lifecycle.onApi("POST", AUTH_TOKEN, Response.json(token("t3", "tok", 4_102_444_800L, null)));

    CliFixture.Result result =
        cli.run("esc", "token-create", "billing", "--expires-at", "2100-01-01T02:00:00+02:00");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.onlyApiRequest("POST", AUTH_TOKEN).json().path("expiry_time").asLong())
        .isEqualTo(Instant.parse("2100-01-01T00:00:00Z").getEpochSecond());
  }

  @Test
  void escTokenCreate_withBadDuration_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("esc", "token-create", "billing", "--expires-in", "30");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: --expires-in must be a positive number");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void escTokenCreate_withExpiryInThePast_failsWithoutCallingServer() {
    CliFixture.Result result =
        cli.run("esc", "token-create", "billing", "--expires-at", "2001-01-01");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --expires-at 2001-01-01 is not in the future\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void escTokenCreate_withBothExpiryOptions_failsWithoutCallingServer() {
    CliFixture.Result result =
        cli.run(
            "esc", "token-create", "billing", "--expires-in", "1d", "--expires-at", "2100-01-01");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: give --expires-in or --expires-at, not both\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- token-revoke, caller-token ---

  @Test
  void escTokenRevoke_deletesThatToken() {
    lifecycle.onApi("DELETE", AUTH_TOKEN + "/t1", Response.json(Map.of("revoked", "t1")));

    CliFixture.Result result = cli.run("esc", "token-revoke", "billing", "t1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("revoked token t1 of ESC billing\n");
    assertThat(lifecycle.onlyApiRequest("DELETE", AUTH_TOKEN + "/t1").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void escTokenRevoke_withUnknownToken_printsServerError() {
    lifecycle.onApi(
        "DELETE", AUTH_TOKEN + "/t9", Response.error(404, "ESC billing has no token t9"));

    CliFixture.Result result = cli.run("esc", "token-revoke", "billing", "t9");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: ESC billing has no token t9\n");
  }

  @Test
  void escCallerToken_printsOnlyTheToken() {
    lifecycle.onApi(
        "GET", "/api/v1/auth/token/esc/billing", Response.json(Map.of("token", "esc-tok")));

    CliFixture.Result result = cli.run("esc", "caller-token", "billing");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("esc-tok\n");
    Recorded request = lifecycle.onlyApiRequest("GET", "/api/v1/auth/token/esc/billing");
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void escCallerToken_withoutStoredToken_failsTellingToLogIn() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("esc", "caller-token", "billing");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: missing auth token for " + lifecycle.url());
    assertThat(lifecycle.requests()).isEmpty();
  }
}
