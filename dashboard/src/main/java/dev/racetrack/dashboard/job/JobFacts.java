package dev.racetrack.dashboard.job;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a job's page shows besides its status: the infrastructure statistics its target reports
 * (replicas, restarts, memory and CPU when the target measures them) and the link to its Grafana
 * dashboard.
 */
public final class JobFacts {
  /** The uid of utils/grafana/dashboards/racetrack-jobs.json, the per-job dashboard. */
  static final String GRAFANA_JOBS_DASHBOARD = "/d/racetrack-jobs/racetrack-jobs";

  private JobFacts() {}

  /** One statistic as the page shows it. */
  public record Stat(String label, String value) {
    public Stat {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * The job's infrastructure statistics: the number of replicas lifecycle knows of (unless the
   * target reports its own count: a Kubernetes job has one address, its Service, for all its
   * replicas), then every entry of {@code infrastructure_stats} in the target's order, its key made
   * readable ({@code number_of_restarts} is "Number of restarts").
   */
  static List<Stat> stats(JsonNode job) {
    List<Stat> stats = new ArrayList<>();
    JsonNode replicas = job.path("replica_internal_names");
    if (replicas.isArray()
        && !replicas.isEmpty()
        && !job.path("infrastructure_stats").has("replicas")) {
      stats.add(new Stat("Replicas", Integer.toString(replicas.size())));
    }
    for (Map.Entry<String, JsonNode> entry : job.path("infrastructure_stats").properties()) {
      JsonNode value = entry.getValue();
      if (!value.isNull() && !value.isContainerNode()) {
        stats.add(new Stat(label(entry.getKey()), value.asText()));
      }
    }
    return stats;
  }

  static String label(String key) {
    String words = key.replace('_', ' ').strip();
    return words.isEmpty()
        ? key
        : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
  }

  /** The job's Grafana dashboard, when Grafana is configured. */
  static Optional<String> grafana(JsonNode job, Optional<String> grafanaUrl) {
    return grafanaUrl.map(
        base ->
            base
                + GRAFANA_JOBS_DASHBOARD
                + "?orgId=1&var-job_name="
                + seg(job.path("name").asText()));
  }
}
