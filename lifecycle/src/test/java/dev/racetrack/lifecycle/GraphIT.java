package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The permission graph at scale (issue 10): whole (streamed, same shape as before), per family, or
 * around a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphIT {
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
              for (String family : List.of("a", "b", "c")) {
                h.execute(
                    "INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)",
                    "f-" + family,
                    family);
                for (String version : List.of("1.0.0", "2.0.0")) {
                  h.execute(
                      "INSERT INTO registry_job (id, family_id, name, version, status, infrastructure_target)"
                          + " VALUES (?, ?, ?, ?, 'running', 'elsewhere')",
                      family + "-" + version,
                      "f-" + family,
                      family,
                      version);
                }
              }
              h.execute("INSERT INTO registry_esc (id, name) VALUES ('esc-1', 'billing')");
              h.execute("INSERT INTO registry_authsubject (id, esc_id) VALUES ('s-esc', 'esc-1')");
              h.execute(
                  "INSERT INTO registry_authsubject (id, job_family_id) VALUES ('s-b', 'f-b')");
              h.execute("INSERT INTO auth_user (password, username) VALUES ('x', 'carol')");
              h.execute(
                  "INSERT INTO registry_authsubject (id, user_id)"
                      + " SELECT 's-carol', id FROM auth_user WHERE username = 'carol'");
              h.execute(
                  "INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_family_id)"
                      + " VALUES ('s-esc', 'call_job', 'f-a')");
              h.execute(
                  "INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_id)"
                      + " VALUES ('s-b', 'call_job', 'a-1.0.0')");
              h.execute(
                  "INSERT INTO registry_authresourcepermission (auth_subject_id, scope)"
                      + " VALUES ('s-carol', 'call_job')");
            });
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private JsonNode graph(String query) {
    HttpResponse<String> response = lifecycle.get("/api/v1/job/graph" + query, admin);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  private static List<String> nodes(JsonNode graph) {
    return graph.path("nodes").findValuesAsText("id");
  }

  private static List<String> edges(JsonNode graph) {
    return StreamSupport.stream(graph.path("edges").spliterator(), false)
        .map(
            e ->
                e.path("from_id").asText()
                    + " "
                    + e.path("type").asText()
                    + " "
                    + e.path("to_id").asText())
        .toList();
  }

  @Test
  void wholeGraph_keepsItsShape_withEveryFamilyJobAndCaller() {
    JsonNode graph = graph("");

    assertThat(graph.fieldNames()).toIterable().containsExactly("nodes", "edges");
    assertThat(graph.path("nodes").get(0).fieldNames())
        .toIterable()
        .containsExactly("id", "type", "title", "subtitle");
    assertThat(nodes(graph))
        .containsExactlyInAnyOrder(
            "job-family-a",
            "job-a-1.0.0",
            "job-a-2.0.0",
            "job-family-b",
            "job-b-1.0.0",
            "job-b-2.0.0",
            "job-family-c",
            "job-c-1.0.0",
            "job-c-2.0.0",
            "esc-esc-1",
            "user-carol",
            "user-admin",
            "all-jobs");
    assertThat(edges(graph))
        .contains(
            "job-family-a contains job-a-1.0.0",
            "esc-esc-1 can_call job-family-a",
            "job-family-b can_call job-a-1.0.0",
            "user-carol can_call all-jobs",
            "user-admin can_call all-jobs")
        .hasSize(10);
    assertThat(graph.path("nodes").get(0).path("subtitle").asText())
        .startsWith("Job family\n- a v");
  }

  @Test
  void family_holdsItsJobsAndWhoMayCallThem_only() {
    JsonNode graph = graph("?family=a");

    assertThat(nodes(graph))
        .containsExactlyInAnyOrder(
            "job-family-a",
            "job-a-1.0.0",
            "job-a-2.0.0",
            "esc-esc-1",
            "job-family-b",
            "user-carol",
            "user-admin",
            "all-jobs");
    assertThat(edges(graph))
        .containsExactlyInAnyOrder(
            "job-family-a contains job-a-1.0.0",
            "job-family-a contains job-a-2.0.0",
            "esc-esc-1 can_call job-family-a",
            "job-family-b can_call job-a-1.0.0",
            "user-carol can_call all-jobs",
            "user-admin can_call all-jobs");
  }

  @Test
  void node_withDepth_showsItsSurroundings() {
    assertThat(nodes(graph("?node=job-family-b")))
        .containsExactlyInAnyOrder("job-family-b", "job-b-1.0.0", "job-b-2.0.0", "job-a-1.0.0");
    assertThat(nodes(graph("?node=job-family-b&depth=2")))
        .containsExactlyInAnyOrder(
            "job-family-b", "job-b-1.0.0", "job-b-2.0.0", "job-a-1.0.0", "job-family-a");
    assertThat(edges(graph("?node=esc-esc-1"))).containsExactly("esc-esc-1 can_call job-family-a");
  }

  @Test
  void badNodeOrDepth_isRefusedNamingIt() {
    HttpResponse<String> unknown = lifecycle.get("/api/v1/job/graph?node=job-nope", admin);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown.body()).path("error").asText()).contains("node 'job-nope'");

    HttpResponse<String> deep = lifecycle.get("/api/v1/job/graph?node=job-family-a&depth=9", admin);
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(json(deep.body()).path("error").asText())
        .contains("depth must be between 1 and 5, got 9");
  }
}
