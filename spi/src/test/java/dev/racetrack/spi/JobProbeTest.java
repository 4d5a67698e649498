package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobProbeTest {
  @Test
  void parseLastCall_readsGaugeWithOrWithoutLabels() {
    assertThat(JobProbe.parseLastCall("# HELP x\nlast_call_timestamp 1.7e9\n"))
        .hasValue(1_700_000_000L);
    assertThat(JobProbe.parseLastCall("last_call_timestamp{job=\"a\"} 1700000123.5\n"))
        .hasValue(1_700_000_123L);
  }

  @Test
  void parseLastCall_whenNeverCalledOrAbsent_isEmpty() {
    assertThat(JobProbe.parseLastCall("last_call_timestamp 0.0\n")).isEmpty();
    assertThat(JobProbe.parseLastCall("requests_total 3\n")).isEmpty();
  }
}
