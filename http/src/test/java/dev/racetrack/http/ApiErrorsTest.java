package dev.racetrack.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiErrorsTest {
  @ParameterizedTest
  @CsvSource({
    "262144, 256 KiB",
    "2097152, 2 MiB",
    "3146752, 3073 KiB",
    "1000, 1000 bytes",
    "1536, 1536 bytes",
    "0, 0 bytes"
  })
  void size_namesALimitAsItIsConfigured(long bytes, String expected) {
    assertThat(ApiErrors.size(bytes)).isEqualTo(expected);
  }
}
