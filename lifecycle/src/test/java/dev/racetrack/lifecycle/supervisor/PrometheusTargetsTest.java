package dev.racetrack.lifecycle.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusTargetsTest {
  @TempDir Path dir;

  private static Job job(String name, JobStatus status, String internal, List<String> replicas) {
    return new Job(
        name + "-id",
        name,
        "1.0.0",
        status,
        0,
        0,
        null,
        null,
        internal,
        null,
        null,
        null,
        null,
        null,
        null,
        "local",
        replicas,
        null,
        Map.of());
  }

  @Test
  void write_streamedJobs_listsTheNotLostJobsWithAnAddress_asTheListDid() throws Exception {
    List<Job> jobs =
        List.of(
            job("adder", JobStatus.RUNNING, "127.0.0.1:7001", List.of()),
            job("lost", JobStatus.LOST, "127.0.0.1:7002", List.of()),
            job("nowhere", JobStatus.RUNNING, null, List.of()),
            job("twins", JobStatus.RUNNING, "127.0.0.1:7003", List.of("a:1", "b:2")));
    PrometheusTargets targets = new PrometheusTargets(dir.resolve("sd").resolve("targets.yaml"));

    targets.write(jobs::forEach);

    List<Map<String, Object>> written =
        Json.yaml()
            .readValue(targets.file().toFile(), new TypeReference<List<Map<String, Object>>>() {});
    assertThat(written).hasSize(2);
    assertThat(written.get(0))
        .containsEntry("targets", List.of("127.0.0.1:7001"))
        .containsEntry(
            "labels",
            Map.of(
                "job",
                Manifest.resourceName("adder", "1.0.0"),
                "job_name",
                "adder",
                "job_version",
                "1.0.0"));
    assertThat(written.get(1)).containsEntry("targets", List.of("a:1", "b:2"));

    targets.write(List.of());

    assertThat(Json.yaml().readValue(targets.file().toFile(), new TypeReference<List<Object>>() {}))
        .isEmpty();
  }
}
