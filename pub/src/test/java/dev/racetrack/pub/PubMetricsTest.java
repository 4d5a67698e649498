package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class PubMetricsTest {
  private final PubMetrics metrics = new PubMetrics();

  @Test
  void done_countsEachStatusCodeUnderItsOwnLabel() {
    PubMetrics.JobMeters adder = metrics.job("adder", "1.0.0");

    adder.done(200, 1_000_000);
    adder.done(200, 1_000_000);
    adder.done(503, 1_000_000);
    adder.done(999, 1_000_000); // outside 100-599: still counted

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "pub_job_proxy_response_codes_total{job_name=\"adder\",job_version=\"1.0.0\","
                + "status_code=\"200\"} 2.0")
        .contains("status_code=\"503\"} 1.0")
        .contains("status_code=\"999\"} 1.0")
        .contains(
            "pub_job_proxy_requests_done_total{job_name=\"adder\",job_version=\"1.0.0\"} 4.0");
  }

  @Test
  void codeCounter_sameStatusTwice_sameCounter() {
    PubMetrics.JobMeters adder = metrics.job("adder", "1.0.0");

    assertThat(adder.codeCounter(404)).isSameAs(adder.codeCounter(404));
    assertThat(adder.codeCounter(404)).isNotSameAs(adder.codeCounter(405));
  }

  /** The per-call lookup of a status counter boxes nothing (an Integer above 127 is 16 bytes). */
  @Test
  void codeCounter_knownStatus_allocatesNothingPerCall() {
    PubMetrics.JobMeters adder = metrics.job("adder", "1.0.0");
    adder.codeCounter(200);
    adder.codeCounter(503);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();

    long before = threads.getThreadAllocatedBytes(thread);
    for (int call = 0; call < 100_000; call++) {
      adder.codeCounter(call % 2 == 0 ? 200 : 503);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // boxing would allocate 1.6 MB here; the margin is for the measurement itself
    assertThat(allocated).isLessThan(100_000);
  }
}
