package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.job.NewerVersions;
import dev.racetrack.model.version.SemVer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Job pages filtered, sorted and cut by PostgreSQL (issue 10): the SQL form of every sort and
 * filter gives the same rows and order as the Java form (the unpaged portfolio still filters in
 * Java), and keyset cursors hold over ties, nulls, descending orders and the last page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobPagesSqlIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
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
    Instant same = NOW.minus(DAY.multipliedBy(3)); // a tie in update time (to the microsecond)
    job("alpha", "1.0.0", "running", same.plusMillis(1), Optional.of(NOW), "alice");
    job("alpha", "1.10.0", "running", same.plusMillis(2), Optional.of(NOW), "alice");
    job("alpha", "1.9.0", "running", same.plusMillis(3), Optional.empty(), "bob");
    job("alpha", "2.0.0-rc.1", "error", same, Optional.empty(), null);
    job("alpha", "2.0.0-rc.2", "error", same, Optional.empty(), "bob");
    job("alpha", "2.0.0-alpha", "running", same, Optional.of(NOW.minus(DAY)), "bob");
    job("alpha", "latest", "lost", same, Optional.empty(), "bob");
    job("Beta", "1.0.0", "lost", NOW.minus(DAY.multipliedBy(2)), Optional.empty(), "carol");
    job("beta-x", "1.0.0", "running", same, Optional.of(NOW.minus(DAY.multipliedBy(10))), "");
    job("gamma", "0.1.0", "error", NOW.minusSeconds(3600), Optional.empty(), "alice");
    job("delta", "1.0.0+build.7", "running", same, Optional.of(same), "alice");
    job("delta", "1.0.0+build.8", "running", same, Optional.of(same), "alice");
    lifecycle.jdbi().useTransaction(h -> NewerVersions.refresh(h, Optional.empty()));
  }

  private void job(
      String name,
      String version,
      String status,
      Instant updated,
      Optional<Instant> called,
      String deployedBy) {
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
                      VALUES (:id, :family, :name, :version, :status, :updated, :updated, :manifest, :by,
                        :called, 'elsewhere', 'python3:1.0.0')
                      """)
                  .bind("id", name + "-" + version)
                  .bind("family", "fam-" + name)
                  .bind("name", name)
                  .bind("version", version)
                  .bind("status", status)
                  .bind("updated", Timestamp.from(updated))
                  .bind("called", called.map(Timestamp::from).orElse(null))
                  .bind("by", deployedBy)
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

  /** Follows the cursors of pages of {@code limit} rows and returns every row seen, in order. */
  private List<String> follow(String path, int limit) {
    List<String> seen = new ArrayList<>();
    String base = path + (path.contains("?") ? "&" : "?") + "limit=" + limit;
    String next = base;
    while (true) {
      JsonNode page = ok(next);
      assertThat(page.path("items").size()).isLessThanOrEqualTo(limit);
      seen.addAll(ids(page.path("items")));
      if (page.path("next_cursor").isNull()) {
        assertThat(page.path("total").asInt()).as(path).isEqualTo(seen.size());
        return seen;
      }
      assertThat(page.path("items").size()).isEqualTo(limit);
      next = base + "&cursor=" + page.path("next_cursor").asText();
    }
  }

  @Test
  void sqlVersionKey_ordersVersionsAsSemVerCompareText() {
    List<String> versions =
        List.of(
            "1.0.0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-1",
            "1.0.0-a-b",
            "1.0.0-a.b",
            "1.0.0+build",
            "2.0.0",
            "10.0.0",
            "1.10.0",
            "1.9.9",
            "99999999999999999999.0.0",
            "latest",
            "v1.0.0",
            "1.0",
            "0.0.0");
    List<String> bySql =
        lifecycle
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT v FROM unnest(CAST(:vs AS TEXT[])) AS v"
                                + " ORDER BY racetrack_version_key(v) COLLATE \"C\", v COLLATE \"C\"")
                        .bind("vs", versions.toArray(String[]::new))
                        .mapTo(String.class)
                        .list());
    List<String> byJava =
        versions.stream()
            .sorted(
                Comparator.<String, String>comparing(v -> v, SemVer::compareText)
                    .thenComparing(Comparator.naturalOrder()))
            .toList();

    assertThat(bySql).isEqualTo(byJava);
  }

  @Test
  void everySort_pagedOneByOneOrAllAtOnce_givesTheSameOrder_overTiesAndNulls() {
    for (String sort : List.of("newest", "oldest", "name", "status", "purge_score", "last_call")) {
      List<String> all = follow("/api/v1/job?sort=" + sort, 100);
      assertThat(all).as(sort).hasSize(12).doesNotHaveDuplicates();
      assertThat(follow("/api/v1/job?sort=" + sort, 1)).as(sort).isEqualTo(all);
      assertThat(follow("/api/v1/job?sort=" + sort, 5)).as(sort).isEqualTo(all);
      // The same order as the Java sort, used when a filter has no SQL form (a text operator on
      // a number column).
      assertThat(follow("/api/v1/job?sort=" + sort + "&purge_score=" + enc("!zzz"), 5))
          .as(sort)
          .isEqualTo(all);
    }
  }

  @Test
  void sortByName_tiesGoToTheNewestVersion_nonSemVerLast_buildMetadataByText() {
    assertThat(follow("/api/v1/job?sort=name", 4))
        .containsExactly(
            "Beta 1.0.0",
            "alpha 2.0.0-rc.2",
            "alpha 2.0.0-rc.1",
            "alpha 2.0.0-alpha",
            "alpha 1.10.0",
            "alpha 1.9.0",
            "alpha 1.0.0",
            "alpha latest",
            "beta-x 1.0.0",
            "delta 1.0.0+build.8",
            "delta 1.0.0+build.7",
            "gamma 0.1.0");
  }

  @Test
  void sortByLastCall_neverCalledComeLast_andNewestUpdateTieBreaksByName() {
    List<String> rows = follow("/api/v1/job?sort=last_call", 3);
    assertThat(rows.subList(0, 2)).containsExactly("alpha 1.10.0", "alpha 1.0.0");
    assertThat(rows.subList(6, 12))
        .containsExactly(
            "Beta 1.0.0",
            "alpha 2.0.0-rc.2",
            "alpha 2.0.0-rc.1",
            "alpha 1.9.0",
            "alpha latest",
            "gamma 0.1.0");
    assertThat(follow("/api/v1/job?sort=newest", 2).subList(0, 2))
        .containsExactly("gamma 0.1.0", "Beta 1.0.0");
  }

  @Test
  void sqlFilters_keepTheSameRowsAsTheJavaFilters() {
    List<Map.Entry<String, String>> filters =
        List.of(
            Map.entry("name", "=ALPHA"),
            Map.entry("name", "alp"),
            Map.entry("name", "*ET"),
            Map.entry("name", "!a"),
            Map.entry("name", "{b"),
            Map.entry("name", "}TA"),
            Map.entry("name", "<beta"),
            Map.entry("name", ">=beta"),
            Map.entry("name", "=gamma||=delta"),
            Map.entry("name", "{a&&!1"),
            Map.entry("version", "rgx:^1\\.[0-9]+\\.0$"),
            Map.entry("version", "rgx:RC"),
            Map.entry("version", "rgx:[^0-9.]"),
            Map.entry("version", "rgx:\\bl"),
            Map.entry("status", "=LOST||=error"),
            Map.entry("status", "<running"),
            Map.entry("deployed_by", "[empty]"),
            Map.entry("deployed_by", "[nonempty]&&!bob"),
            Map.entry("deployed_by", "="),
            Map.entry("purge_score", ">=10"),
            Map.entry("purge_score", "=20"),
            Map.entry("purge_score", "<3||>50"),
            Map.entry("purge_score", "=abc"),
            Map.entry("purge_score", "*0"),
            Map.entry("purge_newer_versions", ">1&&<=3"),
            Map.entry("last_call_time_days_ago", "[empty]"),
            Map.entry("last_call_time_days_ago", ">=1"),
            Map.entry("last_call_time_days_ago", "="),
            Map.entry("update_time_days_ago", "<2.5"),
            Map.entry("last_call_time", "[nonempty]"),
            Map.entry("last_call_time", ">" + NOW.minus(DAY.multipliedBy(2))),
            Map.entry("update_time", "<=" + NOW.minus(DAY.multipliedBy(3)).getEpochSecond()),
            Map.entry("create_time", ">=2020-01-01"),
            Map.entry("infrastructure_target", "=elsewhere"),
            Map.entry("job_type_version", "}1.0.0"),
            Map.entry("purge_reasons", "*never called"),
            Map.entry("purge_reasons", "[empty]"),
            Map.entry("purge_reasons", "[nonempty]&&!lost"),
            Map.entry("purge_reasons", "}days."),
            Map.entry("purge_reasons", "rgx:called for [0-9]+\\.[0-9] days"),
            Map.entry("purge_reasons", "*called for 10.0 days"),
            Map.entry("purge_reasons", "*newer versions"),
            Map.entry("purge_reasons", "{Job is failing"),
            Map.entry("q", "alpha"),
            Map.entry("q", "=LOST"),
            Map.entry("q", "=running&&!x"),
            Map.entry("q", "=1.0.0"),
            Map.entry("q", "never called"),
            Map.entry("q", "=5"),
            Map.entry("q", "=0"),
            Map.entry("q", "=3.0"),
            Map.entry("q", "*.5"),
            Map.entry("q", "T00:"),
            Map.entry("q", "rgx:^20[0-9]{2}-[0-9]{2}-[0-9]{2}T"),
            Map.entry("q", "}Z"),
            Map.entry("q", "[empty]"),
            Map.entry("q", "<b"),
            Map.entry("q", ">=x"),
            Map.entry("q", "{elsew||}ta"),
            Map.entry("q", "days."),
            Map.entry("q", "e5"),
            Map.entry("q", "{20"),
            Map.entry("q", "-1"));
    for (Map.Entry<String, String> filter : filters) {
      String query = filter.getKey() + "=" + enc(filter.getValue());
      List<String> java =
          ids(ok("/api/v1/job/portfolio?" + query)).stream().sorted().toList(); // Java filter
      List<String> sql = follow("/api/v1/job/portfolio?" + query, 4).stream().sorted().toList();
      assertThat(sql).as(query).isEqualTo(java);
    }
  }

  @Test
  void sqlRegexFilter_isEvaluatedByPostgreSql_whichDoesNotBacktrack() {
    job("a".repeat(28) + "b", "1.0.0", "running", NOW, Optional.empty(), "alice");

    // Java's backtracking matcher runs out of its budget on this pattern (JobPagingIT); the page
    // filtered by PostgreSQL answers at once.
    JsonNode page = ok("/api/v1/job/portfolio?limit=10&name=" + enc("rgx:((a+)+)+z"));

    assertThat(page.path("items")).isEmpty();
    assertThat(page.path("total").asInt()).isZero();
  }

  @Test
  void filterMatchingNothing_andAnEmptyLastPage_haveNoCursor() {
    JsonNode none = ok("/api/v1/job?limit=5&sort=status&status=" + enc("=stopped"));
    assertThat(none.path("items")).isEmpty();
    assertThat(none.path("total").asInt()).isZero();
    assertThat(none.path("next_cursor").isNull()).isTrue();

    JsonNode first = ok("/api/v1/job?limit=11&sort=oldest");
    lifecycle.jdbi().useHandle(h -> h.execute("DELETE FROM registry_job WHERE id = 'gamma-0.1.0'"));
    JsonNode last =
        ok("/api/v1/job?limit=11&sort=oldest&cursor=" + first.path("next_cursor").asText());
    assertThat(last.path("items")).isEmpty();
    assertThat(last.path("total").asInt()).isEqualTo(11);
    assertThat(last.path("next_cursor").isNull()).isTrue();
  }
}
