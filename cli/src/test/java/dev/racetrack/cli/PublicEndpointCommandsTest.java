package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicEndpointCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-admin";
  private static final String ENDPOINTS = "/api/v1/public_endpoints";

  PublicEndpointCommandsTest() {
    super(TOKEN);
  }

  static Map<String, Object> endpoint(String id, String endpoint, boolean active) {
    return Map.of(
        "id",
        id,
        "job_name",
        "adder",
        "job_version",
        "1.0.0",
        "endpoint",
        endpoint,
        "active",
        active);
  }

  @Test
  void publicEndpointList_asTable_printsRequests() {
    lifecycle.onApi(
        "GET",
        ENDPOINTS,
        Response.json(
            List.of(endpoint("r1", "/api/v1/perform", false), endpoint("r2", "/docs", true))));

    CliFixture.Result result = cli.run("public-endpoint", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "ID  JOB    VERSION  ACTIVE  ENDPOINT",
            "r1  adder  1.0.0    no      /api/v1/perform",
            "r2  adder  1.0.0    yes     /docs");
    assertThat(lifecycle.onlyApiRequest("GET", ENDPOINTS).header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void publicEndpointList_asJson_printsServerJson() throws IOException {
    lifecycle.onApi("GET", ENDPOINTS, Response.json(List.of(endpoint("r1", "/docs", true))));

    CliFixture.Result result = cli.run("public-endpoint", "list", "-o", "json");

    assertThat(Json.mapper().readTree(result.out()))
        .isEqualTo(Json.mapper().valueToTree(List.of(endpoint("r1", "/docs", true))));
  }

  @Test
  void publicEndpointList_whenNotStaff_printsServerError() {
    lifecycle.onApi("GET", ENDPOINTS, Response.error(401, "only staff may do this"));

    CliFixture.Result result = cli.run("public-endpoint", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: only staff may do this\n");
  }

  @Test
  void publicEndpointActivate_putsActiveTrue() {
    lifecycle.onApi(
        "PUT", ENDPOINTS + "/r1", Response.json(endpoint("r1", "/api/v1/perform", true)));

    CliFixture.Result result = cli.run("public-endpoint", "activate", "r1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo("activated public endpoint /api/v1/perform of job adder v1.0.0\n");
    assertThat(lifecycle.onlyApiRequest("PUT", ENDPOINTS + "/r1").json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("active", true)));
  }

  @Test
  void publicEndpointDeactivate_putsActiveFalse() {
    lifecycle.onApi(
        "PUT", ENDPOINTS + "/r1", Response.json(endpoint("r1", "/api/v1/perform", false)));

    CliFixture.Result result = cli.run("public-endpoint", "deactivate", "r1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo("deactivated public endpoint /api/v1/perform of job adder v1.0.0\n");
    assertThat(lifecycle.onlyApiRequest("PUT", ENDPOINTS + "/r1").json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("active", false)));
  }

  @Test
  void publicEndpointActivate_withUnknownId_printsServerError() {
    lifecycle.onApi(
        "PUT", ENDPOINTS + "/r9", Response.error(404, "public endpoint request r9 not found"));

    CliFixture.Result result = cli.run("public-endpoint", "activate", "r9");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: public endpoint request r9 not found\n");
    assertThat(result.out()).isEmpty();
  }
}
