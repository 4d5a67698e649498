package dev.racetrack.dashboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveRoutesTest {
  @Test
  void escape_aLogLineWithMarkup_becomesText() {
    assertThat(LiveRoutes.escape("<script>alert(1)</script> & done"))
        .doesNotContain("<")
        .startsWith("&lt;script")
        .endsWith("&amp; done");
  }

  @Test
  void browserEvent_lifecycleEvents_becomeJobsAndDeployments_othersAreDropped() {
    assertThat(LiveRoutes.browserEvent("{\"event\":\"job_models_changed\"}")).contains("jobs");
    assertThat(LiveRoutes.browserEvent("{\"event\":\"deployments_changed\"}"))
        .contains("deployments");
    assertThat(LiveRoutes.browserEvent("{\"event\":\"something_else\"}")).isEmpty();
  }
}
