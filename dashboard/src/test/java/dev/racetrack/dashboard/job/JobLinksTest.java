package dev.racetrack.dashboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import org.junit.jupiter.api.Test;

class JobLinksTest {
  private static JsonNode job(String pubUrl, String manifestYaml) {
    ObjectNode job = Json.mapper().createObjectNode();
    job.put("name", "adder");
    job.put("version", "1.0.0");
    if (pubUrl != null) {
      job.put("pub_url", pubUrl);
    }
    job.put("manifest_yaml", manifestYaml);
    return job;
  }

  @Test
  void url_isThePubUrlLifecycleReports_soJobHostsAreLinked() {
    assertThat(
            JobLinks.url(
                job("https://adder.jobs.example.com/pub/job/adder/1.0.0/", ""),
                "http://127.0.0.1:7205/pub"))
        .isEqualTo("https://adder.jobs.example.com/pub/job/adder/1.0.0");
    assertThat(JobLinks.url(job(null, ""), "http://127.0.0.1:7205/pub"))
        .isEqualTo("http://127.0.0.1:7205/pub/job/adder/1.0.0");
  }

  @Test
  void homePage_isTheManifestsHomePage_whenItIsAPathOfTheJob() {
    assertThat(JobLinks.homePage(job(null, "jobtype_extra:\n  home_page: /api/v1/webview\n")))
        .isEqualTo("/api/v1/webview");
    assertThat(JobLinks.homePage(job(null, "name: adder\n"))).isEqualTo("/");
    for (String hostile :
        new String[] {
          "https://evil.example.com/", "//evil.example.com", "/../../other", "javascript:x"
        }) {
      assertThat(JobLinks.homePage(job(null, "jobtype_extra:\n  home_page: '" + hostile + "'\n")))
          .as(hostile)
          .isEqualTo("/");
    }
  }
}
