package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenExpiryTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "90m, PT1H30M",
    "12h, PT12H",
    "30d, PT720H",
    "2w, PT336H",
    "30D, PT720H",
    "' 1d ', PT24H",
    "P30D, PT720H",
    "pt36h, PT36H"
  })
  void duration_withShortOrIsoForm_parses(String text, String expected) {
    assertThat(TokenExpiry.duration(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"", "30", "d", "30x", "1.5d", "-1d", "0d", "PT0S", "P-1D", "1d2h"})
  void duration_withBadText_failsWithExamples(String text) {
    assertThatThrownBy(() -> TokenExpiry.duration(text))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--expires-in must be a positive number")
        .hasMessageContaining("30d")
        .hasMessageContaining("got '" + text + "'");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "2030-01-31T12:00:00Z, 2030-01-31T12:00:00Z",
    "2030-01-31T12:00:00+02:00, 2030-01-31T10:00:00Z",
    "2030-01-31T12:00:00.5Z, 2030-01-31T12:00:00.5Z",
    "2030-01-31, 2030-01-31T00:00:00Z"
  })
  void moment_withIsoDateOrDateTime_parses(String text, String expected) {
    assertThat(TokenExpiry.moment(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2030-01-31T12:00:00", "31.01.2030", "tomorrow", "1735689600"})
  void moment_withoutOffsetOrNotIso_failsWithExamples(String text) {
    assertThatThrownBy(() -> TokenExpiry.moment(text))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--expires-at must be an ISO-8601 date")
        .hasMessageContaining("got '" + text + "'");
  }

  @Test
  void of_withNeither_isNever() {
    assertThat(TokenExpiry.of(Optional.empty(), Optional.empty(), NOW)).isEmpty();
  }

  @Test
  void of_withDuration_addsItToNow() {
    assertThat(TokenExpiry.of(Optional.of("30d"), Optional.empty(), NOW))
        .contains(Instant.parse("2030-01-31T00:00:00Z"));
  }

  @Test
  void of_withMoment_isThatMoment() {
    assertThat(TokenExpiry.of(Optional.empty(), Optional.of("2030-06-01"), NOW))
        .contains(Instant.parse("2030-06-01T00:00:00Z"));
  }

  @Test
  void of_withMomentInThePast_fails() {
    assertThatThrownBy(() -> TokenExpiry.of(Optional.empty(), Optional.of("2029-12-31"), NOW))
        .isInstanceOf(CliException.class)
        .hasMessage("--expires-at 2029-12-31 is not in the future");
  }

  @Test
  void of_withBoth_fails() {
    assertThatThrownBy(() -> TokenExpiry.of(Optional.of("1d"), Optional.of("2030-06-01"), NOW))
        .isInstanceOf(CliException.class)
        .hasMessage("give --expires-in or --expires-at, not both");
  }
}
