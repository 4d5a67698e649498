package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.audit.AuditRoutes;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit log paged by keyset (issue 10): cursors over (time, id) visit every event once, in the
 * log's order, even with events sharing a timestamp and new events arriving between pages; offset
 * still works for old clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditPagingIT {
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of());
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  /** 250 events, three per second; admin did every 5th and was the subject of every 7th. */
  @BeforeEach
  void seed() {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute("DELETE FROM registry_auditlogevent");
              h.execute(
                  """
                  INSERT INTO registry_auditlogevent (id, timestamp, event_type, username_executor,
                    username_subject, job_name, job_version)
                  SELECT 'e' || lpad(CAST(i AS TEXT), 5, '0'),
                    TIMESTAMPTZ '2026-01-01 00:00:00Z' + (i / 3) * INTERVAL '1 second', 'job_deployed',
                    CASE WHEN i % 5 = 0 THEN 'admin' ELSE 'bob' END,
                    CASE WHEN i % 7 = 0 THEN 'admin' ELSE 'carol' END,
                    'fam-' || (i % 4), '1.0.' || (i % 2)
                  FROM generate_series(1, 250) AS i
                  """);
            });
  }

  private List<String> expected(String where) {
    return lifecycle
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id FROM registry_auditlogevent WHERE "
                            + where
                            + " ORDER BY timestamp DESC, id DESC")
                    .mapTo(String.class)
                    .list());
  }

  private HttpResponse<String> ok(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response;
  }

  private static List<String> ids(JsonNode events) {
    return StreamSupport.stream(events.spliterator(), false)
        .map(e -> e.path("id").asText())
        .toList();
  }

  /** Follows next_cursor of the activity answer from {@code path} to the end. */
  private List<String> followActivity(String path) {
    List<String> seen = new ArrayList<>();
    String next = path;
    while (true) {
      JsonNode body = json(ok(next).body());
      seen.addAll(ids(body.path("events")));
      if (body.path("next_cursor").isNull()) {
        return seen;
      }
      next = path + "&cursor=" + body.path("next_cursor").asText();
    }
  }

  @Test
  void activity_followingCursors_visitsEveryEventOnceInOrder() {
    assertThat(followActivity("/api/v1/audit/activity?limit=40")).isEqualTo(expected("TRUE"));
  }

  @Test
  void activity_filters_pageByCursorToo() {
    assertThat(followActivity("/api/v1/audit/activity?limit=7&related_to_me=true"))
        .isEqualTo(expected("(username_executor = 'admin' OR username_subject = 'admin')"));
    assertThat(followActivity("/api/v1/audit/activity?limit=9&job_name=fam-1"))
        .isEqualTo(expected("job_name = 'fam-1'"));
    assertThat(followActivity("/api/v1/audit/activity?limit=9&job_name=fam-2&job_version=1.0.0"))
        .isEqualTo(expected("job_name = 'fam-2' AND job_version = '1.0.0'"));
  }

  @Test
  void activity_offset_stillWorks_andMatchesTheCursorPage() {
    JsonNode first = json(ok("/api/v1/audit/activity?limit=100").body());
    JsonNode byCursor =
        json(
            ok("/api/v1/audit/activity?limit=100&cursor=" + first.path("next_cursor").asText())
                .body());
    JsonNode byOffset = json(ok("/api/v1/audit/activity?limit=100&offset=100").body());

    assertThat(ids(byOffset.path("events"))).isEqualTo(ids(byCursor.path("events")));
    assertThat(byOffset.path("offset").asInt()).isEqualTo(100);
    assertThat(byOffset.has("filter_job_name")).isTrue();
    assertThat(
            ids(
                json(ok("/api/v1/audit/activity?limit=10&offset=5&related_to_me=yes").body())
                    .path("events")))
        .isEqualTo(
            expected("(username_executor = 'admin' OR username_subject = 'admin')").subList(5, 15));
  }

  @Test
  void activity_newEventsBetweenPages_doNotShiftTheNextPage() {
    JsonNode first = json(ok("/api/v1/audit/activity?limit=50").body());
    List<String> rest = expected("TRUE").subList(50, 100);
    lifecycle
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO registry_auditlogevent (id, timestamp, event_type) SELECT 'new' || i,"
                        + " now(), 'job_deployed' FROM generate_series(1, 20) AS i"));

    JsonNode second =
        json(
            ok("/api/v1/audit/activity?limit=50&cursor=" + first.path("next_cursor").asText())
                .body());

    assertThat(ids(second.path("events"))).isEqualTo(rest);
  }

  @Test
  void arrayEndpoints_keepTheirShape_andGiveTheNextCursorInAHeader() {
    HttpResponse<String> first = ok("/api/v1/audit/events/job/fam-3?limit=30");
    JsonNode events = json(first.body());
    assertThat(events.isArray()).isTrue();
    assertThat(events.get(0).path("explanation").asText()).isNotEmpty();
    Optional<String> next = first.headers().firstValue(AuditRoutes.NEXT_CURSOR_HEADER);
    assertThat(next).isPresent();

    List<String> seen = new ArrayList<>(ids(events));
    seen.addAll(
        ids(json(ok("/api/v1/audit/events/job/fam-3?limit=100&cursor=" + next.get()).body())));

    assertThat(seen).isEqualTo(expected("job_name = 'fam-3'"));
    assertThat(json(ok("/api/v1/audit/events").body())).hasSize(100);
  }

  @Test
  void lastPage_hasNoCursor_andAnEmptyFilterHasAnEmptyPage() {
    JsonNode all = json(ok("/api/v1/audit/activity?limit=250").body());
    assertThat(all.path("events")).hasSize(250);
    assertThat(all.path("next_cursor").isNull()).isTrue();

    JsonNode none = json(ok("/api/v1/audit/activity?job_name=no-such-family").body());
    assertThat(none.path("events")).isEmpty();
    assertThat(none.path("next_cursor").isNull()).isTrue();
  }

  @Test
  void badCursor_orCursorWithOffset_isRefusedWith400() {
    HttpResponse<String> bad = lifecycle.get("/api/v1/audit/activity?cursor=garbage!", admin);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad.body()).path("error").asText())
        .contains("cursor 'garbage!' is not a valid audit cursor");

    String cursor = json(ok("/api/v1/audit/activity?limit=10").body()).path("next_cursor").asText();
    HttpResponse<String> both =
        lifecycle.get("/api/v1/audit/activity?offset=10&cursor=" + cursor, admin);
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(json(both.body()).path("error").asText()).contains("either offset or cursor");
  }
}
