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
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PermissionCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-admin";
  private static final String PERMISSIONS = "/api/v1/auth/permissions";

  PermissionCommandsTest() {
    super(TOKEN);
  }

  static Map<String, Object> permission(
      long id,
      String subject,
      String scope,
      @Nullable String family,
      @Nullable String job,
      @Nullable String version,
      @Nullable String endpoint) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", id);
    p.put("auth_subject_id", "s" + id);
    p.put("subject_type", "user");
    p.put("subject_name", subject.substring(subject.indexOf(' ') + 1));
    p.put("subject", subject);
    p.put("scope", scope);
    p.put("job_family", family);
    p.put("job_name", job);
    p.put("job_version", version);
    p.put("endpoint", endpoint);
    return p;
  }

  // --- list ---

  @Test
  void permissionList_withoutFilters_printsTableWithStarForAny() {
    lifecycle.onApi(
        "GET",
        PERMISSIONS,
        Response.json(
            List.of(
                permission(1, "User: admin", "full_access", null, null, null, null),
                permission(7, "ESC: billing", "call_job", "adder", "adder", "1.2.0", "/perform"))));

    CliFixture.Result result = cli.run("permission", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "ID  SUBJECT       SCOPE        FAMILY  JOB           ENDPOINT",
            "1   User: admin   full_access  *       *             *",
            "7   ESC: billing  call_job     adder   adder v1.2.0  /perform");
    Recorded request = lifecycle.onlyApiRequest("GET", PERMISSIONS);
    assertThat(request.query()).isNull();
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void permissionList_withFilters_sendsThemAsEncodedQuery() {
    lifecycle.onApi("GET", PERMISSIONS, Response.json("[]"));

    CliFixture.Result result =
        cli.run(
            "permission",
            "list",
            "--subject-type",
            "esc",
            "--subject",
            "billing svc",
            "--scope",
            "call_job",
            "--family",
            "adder",
            "--job",
            "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.onlyApiRequest("GET", PERMISSIONS).query())
        .isEqualTo(
            "subject_type=esc&subject=billing%20svc&scope=call_job&job_family=adder&job_name=adder");
    assertThat(result.out()).isEqualTo("ID  SUBJECT  SCOPE  FAMILY  JOB  ENDPOINT\n");
  }

  @Test
  void permissionList_asJson_printsServerJson() throws IOException {
    lifecycle.onApi(
        "GET",
        PERMISSIONS,
        Response.json(
            List.of(permission(1, "User: admin", "full_access", null, null, null, null))));

    CliFixture.Result result = cli.run("permission", "list", "-o", "json");

    JsonNode list = Json.mapper().readTree(result.out());
    assertThat(list.get(0).path("subject").asText()).isEqualTo("User: admin");
    assertThat(list.get(0).path("auth_subject_id").asText()).isEqualTo("s1");
    assertThat(list.get(0).get("job_family").isNull()).isTrue();
  }

  @Test
  void permissionList_withUnknownScope_failsListingScopesWithoutCallingServer() {
    CliFixture.Result result = cli.run("permission", "list", "--scope", "call");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: unknown scope 'call'; known scopes: read_job, deploy_job, deploy_new_family,"
                + " delete_job, call_job, call_admin_api, full_access\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionList_withUnknownSubjectType_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("permission", "list", "--subject-type", "family");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: --subject-type must be one of user, esc, job_family, got 'family'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionList_whenNotStaff_printsServerError() {
    lifecycle.onApi("GET", PERMISSIONS, Response.error(401, "only staff may do this"));

    CliFixture.Result result = cli.run("permission", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: only staff may do this\n");
  }

  // --- grant ---

  @Test
  void permissionGrant_onFamily_postsOnlyGivenFieldsAndDescribesResult() {
    lifecycle.onApi(
        "POST",
        PERMISSIONS,
        Response.json(permission(12, "User: bob", "call_job", "adder", null, null, null)));

    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type",
            "user",
            "--subject",
            "bob",
            "--scope",
            "call_job",
            "--family",
            "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo("granted permission 12: User: bob may call_job on family adder\n");
    assertThat(lifecycle.onlyApiRequest("POST", PERMISSIONS).json())
        .isEqualTo(
            Json.mapper()
                .valueToTree(
                    Map.of(
                        "subject_type", "user",
                        "subject", "bob",
                        "scope", "call_job",
                        "job_family", "adder")));
  }

  @Test
  void permissionGrant_onJobEndpoint_postsJobVersionAndEndpoint() {
    lifecycle.onApi(
        "POST",
        PERMISSIONS,
        Response.json(
            permission(13, "Job Family: caller", "call_job", null, "adder", "1.0.0", "/perform")));

    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type=job_family",
            "--subject=caller",
            "--scope=call_job",
            "--job=adder",
            "--job-version=1.0.0",
            "--endpoint=/perform");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "granted permission 13: Job Family: caller may call_job on job adder v1.0.0,"
                + " endpoint /perform\n");
    JsonNode body = lifecycle.onlyApiRequest("POST", PERMISSIONS).json();
    assertThat(body.path("job_name").asText()).isEqualTo("adder");
    assertThat(body.path("job_version").asText()).isEqualTo("1.0.0");
    assertThat(body.path("endpoint").asText()).isEqualTo("/perform");
    assertThat(body.has("job_family")).isFalse();
  }

  @Test
  void permissionGrant_onEverything_describesEveryJob() {
    lifecycle.onApi(
        "POST",
        PERMISSIONS,
        Response.json(permission(14, "User: bob", "read_job", null, null, null, null)));

    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type",
            "user",
            "--subject",
            "bob",
            "--scope",
            "read_job");

    assertThat(result.out())
        .isEqualTo("granted permission 14: User: bob may read_job on every job\n");
  }

  @Test
  void permissionGrant_withJobButNoVersion_failsWithoutCallingServer() {
    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type",
            "user",
            "--subject",
            "bob",
            "--scope",
            "call_job",
            "--job",
            "adder");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --job and --job-version go together\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionGrant_withUnknownScope_failsWithoutCallingServer() {
    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type",
            "user",
            "--subject",
            "bob",
            "--scope",
            "admin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: unknown scope 'admin'; known scopes: read_job");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionGrant_withoutRequiredOptions_isUsageError() {
    CliFixture.Result result = cli.run("permission", "grant", "--subject", "bob");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required options", "--subject-type", "--scope");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionGrant_forUnknownUser_printsServerError() {
    lifecycle.onApi("POST", PERMISSIONS, Response.error(404, "user carol not found"));

    CliFixture.Result result =
        cli.run(
            "permission",
            "grant",
            "--subject-type",
            "user",
            "--subject",
            "carol",
            "--scope",
            "read_job");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: user carol not found\n");
    assertThat(result.out()).isEmpty();
  }

  // --- revoke ---

  @Test
  void permissionRevoke_deletesById() {
    lifecycle.onApi("DELETE", PERMISSIONS + "/12", Response.json(Map.of("deleted", 12)));

    CliFixture.Result result = cli.run("permission", "revoke", "12");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("revoked permission 12\n");
    assertThat(lifecycle.onlyApiRequest("DELETE", PERMISSIONS + "/12").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void permissionRevoke_withNonNumericId_isUsageError() {
    CliFixture.Result result = cli.run("permission", "revoke", "twelve");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'twelve' is not a long");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void permissionRevoke_withUnknownId_printsServerError() {
    lifecycle.onApi("DELETE", PERMISSIONS + "/99", Response.error(404, "permission 99 not found"));

    CliFixture.Result result = cli.run("permission", "revoke", "99");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: permission 99 not found\n");
  }

  // --- allow ---

  @Test
  void allowEsc_withDefaultScope_postsCallJob() {
    String path = "/api/v1/auth/allow/esc/billing/job/adder/scope/call_job";
    lifecycle.onApi("POST", path, Response.json(Map.of("granted", true)));

    CliFixture.Result result = cli.run("allow", "esc", "billing", "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("ESC billing may call_job on family adder\n");
    assertThat(lifecycle.onlyApiRequest("POST", path).header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void allowEsc_withScope_postsThatScope() {
    String path = "/api/v1/auth/allow/esc/billing/job/adder/scope/read_job";
    lifecycle.onApi("POST", path, Response.json(Map.of("granted", true)));

    CliFixture.Result result = cli.run("allow", "esc", "billing", "adder", "--scope", "read_job");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.apiRequests("POST", path)).hasSize(1);
  }

  @Test
  void allowEsc_withUnknownEsc_printsServerError() {
    lifecycle.onApi(
        "POST",
        "/api/v1/auth/allow/esc/nope/job/adder/scope/call_job",
        Response.error(404, "ESC nope not found"));

    CliFixture.Result result = cli.run("allow", "esc", "nope", "adder");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: ESC nope not found\n");
  }

  @Test
  void allowEsc_withUnknownScope_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("allow", "esc", "billing", "adder", "--scope", "call");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: unknown scope 'call'");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void allowFamily_postsSourceToTarget() {
    String path = "/api/v1/auth/allow/job_family/caller/job/adder/scope/call_job";
    lifecycle.onApi("POST", path, Response.json(Map.of("granted", true)));

    CliFixture.Result result = cli.run("allow", "family", "caller", "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("jobs of family caller may call_job on family adder\n");
    assertThat(lifecycle.apiRequests("POST", path)).hasSize(1);
  }

  @Test
  void allowFamily_withoutAdminScope_printsServerError() {
    lifecycle.onApi(
        "POST",
        "/api/v1/auth/allow/job_family/caller/job/adder/scope/call_job",
        Response.error(401, "no permission: call_admin_api"));

    CliFixture.Result result = cli.run("allow", "family", "caller", "adder");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no permission: call_admin_api\n");
  }

  @Test
  void help_ofPermissionGrant_listsScopes() {
    CliFixture.Result result = cli.run("permission", "grant", "--help");

    assertThat(result.out()).contains("read_job, deploy_job", "full_access", "--job-version");
  }
}
