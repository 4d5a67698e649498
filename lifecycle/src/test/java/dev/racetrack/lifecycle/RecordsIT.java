package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The staff-only, paged, read-only records API the dashboard's record browser reads. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsIT {
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of());
    admin = lifecycle.adminToken();
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              for (String id : List.of("e1", "e2", "e3")) {
                h.execute("INSERT INTO registry_esc (id, name) VALUES (?, ?)", id, "esc " + id);
              }
            });
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private JsonNode page(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  @Test
  void records_listsEveryTypeTheGuideNames() {
    List<String> types =
        java.util.stream.StreamSupport.stream(
                page("/api/v1/records").path("types").spliterator(), false)
            .map(JsonNode::asText)
            .toList();
    assertThat(types)
        .containsExactly(
            "users", "auth_subjects", "permissions", "deployments", "jobs", "job_families", "escs");
    for (String type : types) {
      assertThat(page("/api/v1/records/" + type).path("type").asText()).isEqualTo(type);
    }
  }

  @Test
  void records_pageWithLimitAndOffset_countsTheWhole() {
    JsonNode first = page("/api/v1/records/escs?limit=2");
    JsonNode rest = page("/api/v1/records/escs?limit=2&offset=2");

    assertThat(first.path("total").asLong()).isEqualTo(3);
    assertThat(first.path("rows").findValuesAsText("id")).containsExactly("e1", "e2");
    assertThat(rest.path("rows").findValuesAsText("id")).containsExactly("e3");
  }

  @Test
  void users_neverIncludePasswordHashes() {
    JsonNode users = page("/api/v1/records/users");
    assertThat(users.path("rows").get(0).path("username").asText()).isEqualTo("admin");
    assertThat(users.toString()).doesNotContain("password").doesNotContain("pbkdf2");
  }

  @Test
  void records_refuseNonStaff_unknownTypes_badLimits_andWrites() {
    assertThat(lifecycle.get("/api/v1/records/users", null).statusCode()).isEqualTo(401);
    HttpResponse<String> register =
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "dora@example.com", "password", "dora secret 11"),
            null);
    assertThat(register.statusCode()).as(register.body()).isEqualTo(200);
    lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/users/dora@example.com")))
            .header("X-Racetrack-Auth", admin)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": true}")));
    String dora =
        json(lifecycle
                .post(
                    "/api/v1/users/login",
                    Map.of("username", "dora@example.com", "password", "dora secret 11"),
                    null)
                .body())
            .path("token")
            .asText();
    HttpResponse<String> refused = lifecycle.get("/api/v1/records/users", dora);
    assertThat(refused.statusCode()).as(refused.body()).isIn(401, 403);
    assertThat(refused.body()).contains("staff");

    assertThat(lifecycle.get("/api/v1/records/secrets", admin).statusCode()).isEqualTo(404);
    assertThat(lifecycle.get("/api/v1/records/users?limit=1000", admin).statusCode())
        .isEqualTo(400);
    assertThat(lifecycle.get("/api/v1/records/users?offset=-1", admin).statusCode()).isEqualTo(400);
    assertThat(lifecycle.post("/api/v1/records/users", Map.of(), admin).statusCode())
        .isIn(404, 405);
  }
}
