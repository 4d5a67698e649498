package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.audit.AuditEvent;
import dev.racetrack.lifecycle.audit.AuditQuery;
import dev.racetrack.lifecycle.audit.AuditRepository;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who sees which audit event (issue 10, per row): staff see every event; any other user sees the
 * events they did or that affected them, and those of jobs they may read (a global read_job, a
 * family's or one version's), on every audit endpoint and across cursor pages. Two users: alice
 * with the default global read_job, carol with read_job on family {@code adder} only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditVisibilityIT {
  private static final String PASSWORD = "Plenty-Of-Entropy-42";

  private LifecycleFixture lifecycle;
  private String admin;
  private String alice;
  private String carol;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of());
    admin = lifecycle.adminToken();
    alice = activeUser("alice@example.com");
    carol = activeUser("carol@example.com");
    lifecycle.withoutReadingEveryJob("carol@example.com");
    grant("carol@example.com", "adder");
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute("DELETE FROM registry_auditlogevent");
              event(h, "e1", "plugin_installed", "admin", null, null, null);
              event(h, "e2", "job_deployed", "admin", null, "adder", "1.0.0");
              event(h, "e3", "job_deployed", "admin", null, "other", "1.0.0");
              event(h, "e4", "job_deleted", "admin", "carol@example.com", "other", "1.0.0");
              event(h, "e5", "job_deployed", "carol@example.com", null, "third", "1.0.0");
              event(h, "e6", "job_redeployed", "alice@example.com", "admin", "adder", "2.0.0");
              event(h, "e7", "plugin_uninstalled", "alice@example.com", null, null, null);
            });
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private static void event(
      org.jdbi.v3.core.Handle h,
      String id,
      String type,
      String executor,
      String subject,
      String job,
      String version) {
    h.createUpdate(
            """
            INSERT INTO registry_auditlogevent (id, version, timestamp, event_type, properties,
              username_executor, username_subject, job_name, job_version)
            VALUES (:id, 1, TIMESTAMPTZ '2026-01-01 00:00:00Z' + CAST(:n AS INTEGER) * INTERVAL '1 minute',
              :type, '{}', :executor, :subject, :job, :version)
            """)
        .bind("id", id)
        .bind("n", Integer.parseInt(id.substring(1)))
        .bind("type", type)
        .bind("executor", executor)
        .bind("subject", subject)
        .bind("job", job)
        .bind("version", version)
        .execute();
  }

  private String activeUser(String username) {
    return lifecycle.activeUser(username, PASSWORD);
  }

  private void grant(String user, String family) {
    HttpResponse<String> response =
        lifecycle.post(
            "/api/v1/auth/permissions",
            Map.of(
                "subject_type", "user", "subject", user, "scope", "read_job", "job_family", family),
            admin);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private List<String> ids(String path, String token) {
    HttpResponse<String> response = lifecycle.get(path, token);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    JsonNode body = json(response.body());
    JsonNode events = body.isArray() ? body : body.path("events");
    return StreamSupport.stream(events.spliterator(), false)
        .map(e -> e.path("id").asText())
        .toList();
  }

  /** Every event of the activity answer, following cursors one event at a time. */
  private List<String> followed(String token) {
    List<String> seen = new ArrayList<>();
    String path = "/api/v1/audit/activity?limit=1";
    while (true) {
      JsonNode body = json(lifecycle.get(path, token).body());
      body.path("events").forEach(e -> seen.add(e.path("id").asText()));
      if (body.path("next_cursor").isNull()) {
        return seen;
      }
      path = "/api/v1/audit/activity?limit=1&cursor=" + body.path("next_cursor").asText();
    }
  }

  @Test
  void staff_seeEveryEvent() {
    assertThat(ids("/api/v1/audit/events", admin))
        .containsExactly("e7", "e6", "e5", "e4", "e3", "e2", "e1");
  }

  @Test
  void userWithGlobalRead_seesEveryJobsEvents_andOnlyTheirOwnOthers() {
    assertThat(ids("/api/v1/audit/activity", alice))
        .containsExactly("e7", "e6", "e5", "e4", "e3", "e2");
    assertThat(ids("/api/v1/audit/events", alice))
        .containsExactly("e7", "e6", "e5", "e4", "e3", "e2");
    assertThat(ids("/api/v1/audit/user_events", alice)).containsExactly("e7", "e6");
    assertThat(followed(alice)).containsExactly("e7", "e6", "e5", "e4", "e3", "e2");
  }

  @Test
  void userWithReadOnOneFamily_seesThatFamily_andWhatTheyDidOrWhatAffectedThem() {
    assertThat(ids("/api/v1/audit/activity", carol)).containsExactly("e6", "e5", "e4", "e2");
    assertThat(ids("/api/v1/audit/events", carol)).containsExactly("e6", "e5", "e4", "e2");
    assertThat(ids("/api/v1/audit/events/job/other", carol)).containsExactly("e4");
    assertThat(ids("/api/v1/audit/events/job/adder/2.0.0", carol)).containsExactly("e6");
    assertThat(ids("/api/v1/audit/activity?related_to_me=true", carol)).containsExactly("e5", "e4");
    assertThat(ids("/api/v1/audit/user_events/job/third", carol)).containsExactly("e5");
    assertThat(followed(carol)).containsExactly("e6", "e5", "e4", "e2");
  }

  @Test
  void readerOfOneFamily_aPageReadsThatFamilysEvents_notTheWholeLog() {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute(
                  """
                  INSERT INTO registry_auditlogevent (id, version, timestamp, event_type, properties,
                    username_executor, username_subject, job_name, job_version)
                  SELECT 'bulk-' || i, 1, TIMESTAMPTZ '2026-02-01 00:00:00Z' + i * INTERVAL '1 second',
                    'job_deployed', '{}', 'admin', NULL, 'bulk-' || (i % 200), '1.0.0'
                  FROM generate_series(1, 20000) AS i
                  """);
              h.execute("ANALYZE registry_auditlogevent");
            });
    try {
      String subject =
          lifecycle
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              """
                              SELECT s.id FROM registry_authsubject s JOIN auth_user u ON u.id = s.user_id
                              WHERE u.username = 'carol@example.com'
                              """)
                          .mapTo(String.class)
                          .one());
      AuditRepository audit = new AuditRepository(lifecycle.jdbi(), Clock.systemUTC());
      AuditQuery newest =
          new AuditQuery(
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              0,
              100,
              Optional.empty(),
              Optional.of(new AuditQuery.Reader(subject, "carol@example.com")));

      assertThat(audit.page(newest).events())
          .extracting(AuditEvent::id)
          .containsExactly("e6", "e5", "e4", "e2");
      String plan = audit.plan(newest);
      assertThat(rowsRead(plan)).as(plan).isLessThan(100);
      assertThat(ids("/api/v1/audit/activity", carol)).containsExactly("e6", "e5", "e4", "e2");
      assertThat(ids("/api/v1/audit/activity", alice))
          .hasSize(100)
          .allMatch(id -> id.startsWith("bulk-"));
    } finally {
      lifecycle
          .jdbi()
          .useHandle(h -> h.execute("DELETE FROM registry_auditlogevent WHERE id LIKE 'bulk-%'"));
    }
  }

  @Test
  void readerOfOneVersion_seesThatVersionsEvents_andNoneOfItsFamilysOthers() {
    String dave = activeUser("dave@example.com");
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              // dave's registration and activation are events of his own: only e1..e7 stay
              h.execute("DELETE FROM registry_auditlogevent WHERE id !~ '^e[0-9]$'");
              h.execute(
                  """
                  INSERT INTO registry_jobfamily (id, name) VALUES ('fam-adder-2', 'adder')
                  ON CONFLICT (name) DO NOTHING
                  """);
              h.execute(
                  """
                  INSERT INTO registry_job (id, family_id, name, version, status)
                  SELECT 'adder-2.0.0', id, 'adder', '2.0.0', 'running' FROM registry_jobfamily
                  WHERE name = 'adder'
                  """);
              h.execute(
                  """
                  DELETE FROM registry_authresourcepermission WHERE scope = 'read_job'
                    AND auth_subject_id = (SELECT s.id FROM registry_authsubject s
                      JOIN auth_user u ON u.id = s.user_id WHERE u.username = 'dave@example.com')
                  """);
              h.execute(
                  """
                  INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_id)
                  SELECT s.id, 'read_job', 'adder-2.0.0' FROM registry_authsubject s
                  JOIN auth_user u ON u.id = s.user_id WHERE u.username = 'dave@example.com'
                  """);
            });

    assertThat(ids("/api/v1/audit/activity", dave)).containsExactly("e6");
    assertThat(followed(dave)).containsExactly("e6");
  }

  /** Rows of the audit log a plan's nodes read (returned or filtered out), over all their loops. */
  private static long rowsRead(String plan) {
    long[] rows = {0};
    json(plan)
        .findParents("Node Type")
        .forEach(
            node -> {
              if (node.path("Relation Name").asText().equals("registry_auditlogevent")) {
                long loops = Math.max(1, node.path("Actual Loops").asLong());
                rows[0] +=
                    loops
                        * (node.path("Actual Rows").asLong()
                            + node.path("Rows Removed by Filter").asLong());
              }
            });
    return rows[0];
  }
}
