package dev.racetrack.lifecycle.plugin;

import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * How many jobs of the registry use each job type version and each infrastructure target (the
 * counts of {@code GET /api/v1/plugin/tree}, as in the original's Administration page).
 */
public final class PluginUsageRepository {
  private final Jdbi jdbi;

  public PluginUsageRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Jobs counted by their job type key ({@code name:version}). */
  public Map<String, Integer> jobsByJobType() {
    return count(
        """
        SELECT job_type_version AS key, count(*) AS jobs
        FROM registry_job
        GROUP BY job_type_version
        """);
  }

  /** Jobs counted by their infrastructure target (jobs without one are not counted). */
  public Map<String, Integer> jobsByInfrastructureTarget() {
    return count(
        """
        SELECT infrastructure_target AS key, count(*) AS jobs
        FROM registry_job
        WHERE infrastructure_target IS NOT NULL
        GROUP BY infrastructure_target
        """);
  }

  private Map<String, Integer> count(String sql) {
    return jdbi.withHandle(
        h -> {
          Map<String, Integer> counts = new TreeMap<>();
          h.createQuery(sql)
              .map((rs, ctx) -> Map.entry(rs.getString("key"), rs.getInt("jobs")))
              .forEach(e -> counts.put(e.getKey(), e.getValue()));
          return counts;
        });
  }
}
