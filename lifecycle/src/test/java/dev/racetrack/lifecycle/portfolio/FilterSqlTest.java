package dev.racetrack.lifecycle.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which filters PostgreSQL evaluates (JobPagesSqlIT checks that they keep the Java filter's rows):
 * everything but text operators on a number or date column and non-portable regular expressions.
 */
class FilterSqlTest {
  @Test
  void qAndPurgeReasons_haveAnSqlForm() {
    for (Map<String, String> filters :
        java.util.List.of(
            Map.of("q", "alpha"),
            Map.of("q", "=5||rgx:^20[0-9]{2}"),
            Map.of("q", "[empty]&&!x"),
            Map.of("purge_reasons", "*never called"),
            Map.of("purge_reasons", "[nonempty]", "q", "<b"))) {
      assertThat(FilterSql.of(filters)).as(filters.toString()).isPresent();
    }
  }

  @Test
  void qOfTextNoNumberOrDateCanHold_testsOnlyTheTextColumns() {
    String words = FilterSql.of(Map.of("q", "job-1")).orElseThrow().where();
    assertThat(words).contains("s.name").doesNotContain("TO_CHAR", "AS NUMERIC) AS TEXT");
    assertThat(FilterSql.of(Map.of("q", "*JOB")).orElseThrow().where()).doesNotContain("TO_CHAR");
    // what a number's or a date's text may hold keeps those columns
    assertThat(FilterSql.of(Map.of("q", "2026")).orElseThrow().where())
        .contains("TO_CHAR", "AS NUMERIC) AS TEXT");
    assertThat(FilterSql.of(Map.of("q", "12.5")).orElseThrow().where())
        .contains("AS NUMERIC) AS TEXT")
        .doesNotContain("TO_CHAR");
    assertThat(FilterSql.of(Map.of("q", "2026-12-04t01")).orElseThrow().where())
        .contains("TO_CHAR")
        .doesNotContain("AS NUMERIC) AS TEXT");
    // other operators keep every column
    for (String q : List.of("!job", "=1e3", "job||5", ">b", "[nonempty]")) {
      assertThat(FilterSql.of(Map.of("q", q)).orElseThrow().where()).as(q).contains("TO_CHAR");
    }
  }

  @Test
  void qOfANumber_alsoComparesNumberAndDateColumnsByValue() {
    FilterSql sql = FilterSql.of(Map.of("q", "=5")).orElseThrow();
    assertThat(sql.where()).contains("s.newer_versions = :f", "EXTRACT(EPOCH FROM s.update_time))");
    assertThat(sql.binds()).containsValue(5.0);
  }

  @Test
  void textOperatorsOnNumbers_andJavaOnlyRegexes_stayInJava() {
    assertThat(FilterSql.of(Map.of("purge_score", "*0"))).isEmpty();
    assertThat(FilterSql.of(Map.of("update_time", "{2026"))).isEmpty();
    assertThat(FilterSql.of(Map.of("q", "rgx:\\bl"))).isEmpty();
  }
}
