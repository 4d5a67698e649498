package dev.racetrack.lifecycle.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

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
