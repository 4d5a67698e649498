package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With jobs' own hosts ({@code PUB_JOB_DOMAIN}, issue 7 §4) a job's URL is its own host's URL
 * everywhere lifecycle names it: the job view (what {@code racetrack deploy} prints), the job list,
 * its pages and the portfolio.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobHostUrlIT {
  private static final String URL = "https://adder.jobs.example.com:8443/pub/job/adder/1.2.0";

  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle =
        new LifecycleFixture(
            Map.of(
                "PUB_JOB_DOMAIN",
                "Jobs.Example.com",
                "EXTERNAL_PUB_URL",
                "https://pub.example.com:8443/pub"));
    admin = lifecycle.adminToken();
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('fam-adder', 'adder')");
              h.execute(
                  """
                  INSERT INTO registry_job (id, family_id, name, version, status, manifest,
                    infrastructure_target)
                  VALUES ('adder-1', 'fam-adder', 'adder', '1.2.0', 'running',
                    'name: adder\nowner_email: a@example.com\n', 'elsewhere')
                  """);
            });
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private JsonNode ok(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json(response.body());
  }

  @Test
  void pubUrl_withAJobDomain_isTheJobsOwnHost_everywhere() {
    assertThat(ok("/api/v1/job/adder/1.2.0").path("pub_url").asText()).isEqualTo(URL);
    assertThat(ok("/api/v1/job").get(0).path("pub_url").asText()).isEqualTo(URL);
    assertThat(ok("/api/v1/job?limit=5").path("items").get(0).path("pub_url").asText())
        .isEqualTo(URL);
    assertThat(ok("/api/v1/job/portfolio").get(0).path("pub_url").asText()).isEqualTo(URL);
  }
}
