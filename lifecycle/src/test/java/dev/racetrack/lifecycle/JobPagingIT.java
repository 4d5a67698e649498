package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.job.NewerVersions;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
 * The job list and the portfolio at scale (issue 10): the unpaged answers keep the original's shape
 * (streamed), and the paged ones page by cursor, sort and filter on the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobPagingIT {
  private static final Instant NOW = Instant.now();
  private static final Duration DAY = Duration.ofDays(1);

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

  @BeforeEach
  void seed() {
    lifecycle.jdbi().useHandle(h -> h.execute("DELETE FROM registry_jobfamily"));
    job("alpha", "1.0.0", "running", NOW.minusSeconds(60), Optional.of(NOW));
    job("alpha", "1.1.0", "running", NOW.minusSeconds(50), Optional.of(NOW));
    job("alpha", "2.0.0-rc1", "running", NOW.minusSeconds(40), Optional.of(NOW));
    job("alpha", "2.0.0", "running", NOW.minusSeconds(30), Optional.of(NOW));
    job("beta", "1.0.0", "lost", NOW.minus(DAY.multipliedBy(2)), Optional.empty());
    job("gamma", "1.0.0", "error", NOW.minusSeconds(3600), Optional.empty());
    job(
        "delta",
        "1.0.0",
        "running",
        NOW.minus(DAY.multipliedBy(40)),
        Optional.of(NOW.minus(DAY.multipliedBy(15))));
    lifecycle.jdbi().useTransaction(h -> NewerVersions.refresh(h, Optional.empty()));
  }

  /** A job row as the registry holds it, on a target this lifecycle does not supervise. */
  private void job(
      String name, String version, String status, Instant updated, Optional<Instant> called) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute(
                  "INSERT INTO registry_jobfamily (id, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                  "fam-" + name,
                  name);
              h.createUpdate(
                      """
                      INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time,
                        manifest, deployed_by, last_call_time, infrastructure_target, job_type_version)
                      VALUES (:id, :family, :name, :version, :status, :updated, :updated, :manifest, 'admin',
                        :called, 'elsewhere', 'python3:1.0.0')
                      """)
                  .bind("id", name + "-" + version)
                  .bind("family", "fam-" + name)
                  .bind("name", name)
                  .bind("version", version)
                  .bind("status", status)
                  .bind("updated", Timestamp.from(updated))
                  .bind("called", called.map(Timestamp::from).orElse(null))
                  .bind("manifest", "name: " + name + "\nowner_email: a@example.com\n")
                  .execute();
            });
  }

  private JsonNode ok(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json(response.body());
  }

  private static List<String> ids(JsonNode items) {
    return StreamSupport.stream(items.spliterator(), false)
        .map(j -> j.path("name").asText() + " " + j.path("version").asText())
        .toList();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void unpagedList_keepsTheOriginalShapeAndOrder() {
    JsonNode jobs = ok("/api/v1/job");

    assertThat(jobs.isArray()).isTrue();
    assertThat(ids(jobs))
        .containsExactly(
            "alpha 2.0.0",
            "alpha 2.0.0-rc1",
            "alpha 1.1.0",
            "alpha 1.0.0",
            "gamma 1.0.0",
            "beta 1.0.0",
            "delta 1.0.0");
    JsonNode first = jobs.get(0);
    assertThat(first.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "id",
            "name",
            "version",
            "status",
            "create_time",
            "update_time",
            "manifest",
            "manifest_yaml",
            "internal_name",
            "pub_url",
            "error",
            "notice",
            "image_tag",
            "deployed_by",
            "last_call_time",
            "infrastructure_target",
            "replica_internal_names",
            "job_type_version",
            "infrastructure_stats");
    assertThat(first.path("manifest").path("owner_email").asText()).isEqualTo("a@example.com");
    assertThat(first.path("pub_url").asText()).endsWith("/job/alpha/2.0.0");
    assertThat(first.path("update_time").isIntegralNumber()).isTrue();
  }

  /** A job with every field set, a manifest that needs escaping, and one that does not parse. */
  private void richJobs() {
    String manifest =
        "name: rich\nowner_email: \"o@example.com\"\nlabels:\n"
            + "  note: \"na\u00efve \u2013 \\\"quoted\\\" \\\\ tab\\t\"\n  n: 3\n  flag: true\n"
            + "ports: [1, 2]\n";
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('fam-rich', 'rich')");
              h.createUpdate(
                      """
                      INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time,
                        manifest, internal_name, error, notice, image_tag, deployed_by, last_call_time,
                        infrastructure_target, replica_internal_names, job_type_version, infrastructure_stats)
                      VALUES ('rich-1', 'fam-rich', 'rich', '1.0.0', 'error',
                        TIMESTAMPTZ '2026-01-02 03:04:05.678Z', now() - INTERVAL '2 days 0.5 seconds',
                        :manifest, 'rich-v-1-0-0', :error, 'a notice', 'registry/rich:1.0.0', 'bob',
                        TIMESTAMPTZ '2026-01-05 00:00:00.999Z', 'elsewhere', 'rich-a,rich-b', 'python3:2.0.0',
                        '{"number_of_restarts": 2, "nested": {"a": [1, 2.5, null]}}'),
                      ('rich-2', 'fam-rich', 'rich', '0.1.0', 'running', now() - INTERVAL '3 days',
                        now() - INTERVAL '3 days', :not_a_mapping, NULL, NULL, NULL, NULL, NULL, NULL,
                        NULL, '', '', '[1]')
                      """)
                  .bind("manifest", manifest)
                  .bind("error", "it failed:\n\"badly\"\u0001")
                  .bind("not_a_mapping", "- not\n- a mapping\n")
                  .execute();
              NewerVersions.refresh(h, Optional.empty());
            });
  }

  private long storedManifests() {
    return lifecycle
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM registry_job WHERE manifest_json IS NOT NULL")
                    .mapTo(Long.class)
                    .one());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void unpagedList_showsEveryJobAsItsOwnReadDoes_beforeAndAfterTheParsedManifestsAreStored() {
    richJobs();
    assertThat(storedManifests()).isZero();

    JsonNode parsedInJava = ok("/api/v1/job");
    assertThat(storedManifests()).isEqualTo(9);
    JsonNode builtByPostgres = ok("/api/v1/job");

    for (JsonNode jobs : List.of(parsedInJava, builtByPostgres)) {
      assertThat(jobs).hasSize(9);
      for (JsonNode job : jobs) {
        JsonNode read =
            ok("/api/v1/job/" + job.path("name").asText() + "/" + job.path("version").asText());
        assertThat(job).isEqualTo(read);
        assertThat(fieldNames(job)).isEqualTo(fieldNames(read));
      }
    }
    JsonNode rich =
        StreamSupport.stream(builtByPostgres.spliterator(), false)
            .filter(j -> j.path("id").asText().equals("rich-1"))
            .findFirst()
            .orElseThrow();
    assertThat(rich.path("replica_internal_names").toString()).isEqualTo("[\"rich-a\",\"rich-b\"]");
    assertThat(rich.path("manifest").path("labels").path("note").asText())
        .isEqualTo("na\u00efve \u2013 \"quoted\" \\ tab\t");
    assertThat(rich.path("create_time").asLong()).isEqualTo(1767323045L);
  }

  @Test
  void unpagedList_afterAManifestChanges_showsTheNewManifest() {
    ok("/api/v1/job");
    assertThat(storedManifests()).isEqualTo(7);

    lifecycle
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE registry_job SET manifest = 'name: alpha\nowner_email: new@example.com\n'"
                        + " WHERE id = 'alpha-1.0.0'"));

    assertThat(storedManifests()).isEqualTo(6);
    for (int call = 0; call < 2; call++) {
      JsonNode alpha =
          StreamSupport.stream(ok("/api/v1/job").spliterator(), false)
              .filter(j -> j.path("id").asText().equals("alpha-1.0.0"))
              .findFirst()
              .orElseThrow();
      assertThat(alpha.path("manifest").path("owner_email").asText()).isEqualTo("new@example.com");
    }
    assertThat(storedManifests()).isEqualTo(7);
  }

  @Test
  void unpagedPortfolio_showsTheSameEntriesAsItsPages() {
    richJobs();
    JsonNode paged = ok("/api/v1/job/portfolio?limit=100").path("items");

    for (int call = 0; call < 2; call++) {
      JsonNode unpaged = ok("/api/v1/job/portfolio");
      assertThat(unpaged).hasSize(9);
      for (int i = 0; i < unpaged.size(); i++) {
        assertThat(fieldNames(unpaged.get(i))).isEqualTo(fieldNames(paged.get(i)));
        assertThat(withoutDays(unpaged.get(i))).isEqualTo(withoutDays(paged.get(i)));
      }
    }
  }

  /** An entry without the fields that change by the second (days ago, to 3 decimals). */
  private static JsonNode withoutDays(JsonNode entry) {
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        (com.fasterxml.jackson.databind.node.ObjectNode) entry.deepCopy();
    copy.remove(List.of("update_time_days_ago", "last_call_time_days_ago"));
    return copy;
  }

  @Test
  void unpagedPortfolio_scoresInTheDatabase_andKeepsTheOriginalShape() {
    JsonNode entries = ok("/api/v1/job/portfolio");

    assertThat(ids(entries)).startsWith("beta 1.0.0", "gamma 1.0.0", "delta 1.0.0", "alpha 1.0.0");
    Map<String, Double> scores = new java.util.HashMap<>();
    entries.forEach(
        e ->
            scores.put(
                e.path("name").asText() + " " + e.path("version").asText(),
                e.path("purge_score").asDouble()));
    assertThat(scores)
        .containsEntry("beta 1.0.0", 60.0)
        .containsEntry("gamma 1.0.0", 20.0)
        .containsEntry("delta 1.0.0", 5.0)
        .containsEntry("alpha 1.0.0", 3.0)
        .containsEntry("alpha 2.0.0-rc1", 1.0)
        .containsEntry("alpha 2.0.0", 0.0);
    JsonNode delta = entries.get(2);
    assertThat(delta.path("purge_reasons").asText())
        .isEqualTo("Job hasn't been called for 15.0 days.");
    assertThat(delta.path("last_call_time_days_ago").asDouble()).isEqualTo(15.0);
    assertThat(delta.path("purge_newer_versions").asInt()).isZero();
    assertThat(delta.has("manifest_yaml")).isTrue();
    assertThat(ok("/api/v1/job/portfolio?name=" + enc("{al") + "&purge_score=" + enc(">=1")))
        .hasSize(3);
  }

  @Test
  void paged_followingCursors_visitsEveryRowOnce_andTheLastPageHasNoCursor() {
    for (String sort : List.of("newest", "oldest", "name", "status", "purge_score", "last_call")) {
      List<String> seen = new ArrayList<>();
      String path = "/api/v1/job?limit=3&sort=" + sort;
      int pages = 0;
      while (true) {
        JsonNode page = ok(path);
        pages++;
        assertThat(page.path("total").asInt()).isEqualTo(7);
        assertThat(page.path("limit").asInt()).isEqualTo(3);
        assertThat(page.path("sort").asText()).isEqualTo(sort);
        seen.addAll(ids(page.path("items")));
        if (page.path("next_cursor").isNull()) {
          break;
        }
        path = "/api/v1/job?limit=3&sort=" + sort + "&cursor=" + page.path("next_cursor").asText();
      }
      assertThat(pages).as(sort).isEqualTo(3);
      assertThat(seen).as(sort).hasSize(7).doesNotHaveDuplicates();
    }
    assertThat(ids(ok("/api/v1/job?limit=100").path("items"))).isEqualTo(ids(ok("/api/v1/job")));
    assertThat(ids(ok("/api/v1/job/portfolio?limit=100").path("items")))
        .isEqualTo(ids(ok("/api/v1/job/portfolio")));
  }

  @Test
  void paged_sortByName_ordersFamiliesThenNewestVersionFirst() {
    assertThat(ids(ok("/api/v1/job?sort=name").path("items")))
        .containsExactly(
            "alpha 2.0.0",
            "alpha 2.0.0-rc1",
            "alpha 1.1.0",
            "alpha 1.0.0",
            "beta 1.0.0",
            "delta 1.0.0",
            "gamma 1.0.0");
  }

  @Test
  void paged_lastPage_isExactlyFull_withoutCursor() {
    JsonNode page = ok("/api/v1/job/portfolio?limit=7");

    assertThat(page.path("items")).hasSize(7);
    assertThat(page.path("next_cursor").isNull()).isTrue();
    assertThat(page.path("items").get(0).path("purge_score").asDouble()).isEqualTo(60.0);
  }

  @Test
  void paged_filterMatchingNothing_answersAnEmptyPage() {
    JsonNode page = ok("/api/v1/job/portfolio?limit=10&name=" + enc("=nothing-like-this"));

    assertThat(page.path("items")).isEmpty();
    assertThat(page.path("total").asInt()).isZero();
    assertThat(page.path("next_cursor").isNull()).isTrue();
  }

  @Test
  void paged_filtersWithThePortfolioOperators_countTheTotal() {
    JsonNode page =
        ok("/api/v1/job?limit=2&sort=name&status=" + enc("=RUNNING") + "&version=" + enc("{2."));

    assertThat(ids(page.path("items"))).containsExactly("alpha 2.0.0", "alpha 2.0.0-rc1");
    assertThat(page.path("total").asInt()).isEqualTo(2);
    assertThat(page.path("next_cursor").isNull()).isTrue();
  }

  @Test
  void paged_rowsChangingBetweenPages_neitherRepeatNorSkipTheRest() {
    JsonNode first = ok("/api/v1/job?limit=3&sort=name");
    assertThat(ids(first.path("items")))
        .containsExactly("alpha 2.0.0", "alpha 2.0.0-rc1", "alpha 1.1.0");
    // Before the cursor: a new version sorting first, and one deleted; after it: one added.
    job("aardvark", "1.0.0", "running", NOW, Optional.empty());
    lifecycle.jdbi().useHandle(h -> h.execute("DELETE FROM registry_job WHERE id = 'alpha-2.0.0'"));
    job("bat", "1.0.0", "running", NOW, Optional.empty());

    JsonNode second =
        ok("/api/v1/job?limit=3&sort=name&cursor=" + first.path("next_cursor").asText());

    assertThat(ids(second.path("items"))).containsExactly("alpha 1.0.0", "bat 1.0.0", "beta 1.0.0");
    assertThat(second.path("total").asInt()).isEqualTo(8);
  }

  @Test
  void paged_badInput_isRefusedWith400NamingIt() {
    assertError("/api/v1/job?cursor=not-a-cursor", "cursor 'not-a-cursor' is not a valid");
    assertError("/api/v1/job?limit=0", "limit must be between 1 and 100, got 0");
    assertError("/api/v1/job/portfolio?limit=101", "limit must be between 1 and 100, got 101");
    assertError("/api/v1/job?limit=ten", "limit must be a whole number");
    assertError("/api/v1/job?sort=colour", "sort must be one of");
    assertError("/api/v1/job?limit=5&colour=red", "unknown portfolio column 'colour'");
    String byName = ok("/api/v1/job?limit=2&sort=name").path("next_cursor").asText();
    assertError("/api/v1/job?sort=newest&cursor=" + byName, "the cursor belongs to sort=name");
  }

  @Test
  void unpagedPortfolio_withAFilterOverItsTimeBudget_isAnswered400_notCutShort() {
    job("a".repeat(28) + "b", "1.0.0", "running", NOW, Optional.empty());

    assertError(
        "/api/v1/job/portfolio?name=" + enc("rgx:((a+)+)+z"),
        "filter of name: the regular expression takes too long to evaluate");
  }

  private void assertError(String path, String message) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path).isEqualTo(400);
    assertThat(json(response.body()).path("error").asText()).as(path).contains(message);
  }
}
