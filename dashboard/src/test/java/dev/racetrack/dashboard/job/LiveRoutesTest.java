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
}
