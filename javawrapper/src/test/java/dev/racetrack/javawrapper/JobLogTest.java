package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JobLogTest {
  @Test
  void timestamp_isWhatInstantToStringGives_forEachFractionShape() {
    for (String text :
        new String[] {
          "2026-12-04T05:59:44Z",
          "2026-12-04T05:59:44.100Z",
          "2026-12-04T05:59:44.000100Z",
          "2026-12-04T05:59:44.000000001Z",
          "0001-01-01T00:00:00.999999999Z",
          "9999-12-31T23:59:59.123456Z",
          "1970-01-01T00:00:00Z"
        }) {
      Instant instant = Instant.parse(text);
      assertThat(JobLog.timestamp(instant)).isEqualTo(instant.toString()).isEqualTo(text);
    }
  }

  @Test
  void timestamp_matchesInstantToString_overRandomInstants() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nano);
      assertThat(JobLog.timestamp(instant)).isEqualTo(instant.toString());
    }
  }

  @Test
  void timestamp_outsideFourDigitYears_fallsBackToInstantToString() {
    Instant late = Instant.parse("+10000-01-01T00:00:00Z");
    Instant early = Instant.parse("-0001-12-31T23:59:59Z");
    assertThat(JobLog.timestamp(late)).isEqualTo("+10000-01-01T00:00:00Z");
    assertThat(JobLog.timestamp(early)).isEqualTo(early.toString());
  }

  @Test
  void stackTrace_isThePrintedTrace_withoutTheLastLineBreak() {
    String trace = JobLog.stackTrace(new IllegalStateException("boom"));
    assertThat(trace).startsWith("java.lang.IllegalStateException: boom").doesNotEndWith("\n");
    assertThat(trace).contains("at dev.racetrack.javawrapper.JobLogTest");
  }
}
