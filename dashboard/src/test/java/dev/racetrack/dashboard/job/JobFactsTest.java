package dev.racetrack.dashboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.job.JobFacts.Stat;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobFactsTest {
  private static JsonNode job(String json) throws IOException {
    return Json.mapper().readTree(json);
  }

  @Test
  void stats_withReplicasAndTargetStats_listsReplicasThenEachStatReadably() throws IOException {
    JsonNode job =
        job(
            """
            {"name": "adder", "version": "1.0.0",
             "replica_internal_names": ["10-0-0-1.adder:7000", "10-0-0-2.adder:7000"],
             "infrastructure_stats": {"number_of_restarts": 3, "memory_in_use": "120 MiB",
                                      "nested": {"x": 1}, "nothing": null}}
            """);

    assertThat(JobFacts.stats(job))
        .containsExactly(
            new Stat("Replicas", "2"),
            new Stat("Number of restarts", "3"),
            new Stat("Memory in use", "120 MiB"));
  }

  @Test
  void stats_whenTheTargetCountsReplicas_showsItsCountOnce() throws IOException {
    // a Kubernetes job: one address (its Service) for its replicas, which the target counts
    JsonNode job =
        job(
            """
            {"name": "adder", "version": "1.0.0",
             "replica_internal_names": ["job-adder-v-1-0-0.racetrack.svc.cluster.local:7000"],
             "infrastructure_stats": {"replicas": 3, "number_of_restarts": 0}}
            """);

    assertThat(JobFacts.stats(job))
        .containsExactly(new Stat("Replicas", "3"), new Stat("Number of restarts", "0"));
  }

  @Test
  void stats_withoutAnyReported_isEmpty() throws IOException {
    assertThat(JobFacts.stats(job("{\"name\": \"adder\", \"infrastructure_stats\": {}}")))
        .isEmpty();
  }

  @Test
  void grafana_whenConfigured_linksTheJobsDashboardOfUtilsForThisJob() throws IOException {
    JsonNode job = job("{\"name\": \"my adder\", \"version\": \"1.0.0\"}");

    assertThat(JobFacts.grafana(job, Optional.of("https://grafana.example.com")))
        .contains(
            "https://grafana.example.com/d/racetrack-jobs/racetrack-jobs"
                + "?orgId=1&var-job_name=my%20adder");
    assertThat(JobFacts.grafana(job, Optional.empty())).isEmpty();
  }

  @Test
  void grafanaDashboardUid_isTheOneUtilsProvisions() throws IOException {
    JsonNode dashboard =
        Json.mapper()
            .readTree(
                java.nio.file.Path.of("..", "utils", "grafana", "dashboards", "racetrack-jobs.json")
                    .toFile());

    assertThat(JobFacts.GRAFANA_JOBS_DASHBOARD)
        .startsWith("/d/" + dashboard.path("uid").asText() + "/");
    assertThat(dashboard.path("templating").path("list").findValuesAsText("name"))
        .contains("job_name");
  }
}
