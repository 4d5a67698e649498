package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathsTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "adder/1.0.0/api/v1/perform, false",
    "adder/1.0.0/./perform, true",
    "adder/1.0.0/../other, true",
    "adder/1.0.0/api/.., true",
    "adder/1.0.0/api/., true",
    "adder/1.0.0/.hidden/..x/x.., false",
    "adder/1.0.0/.../a, false",
    "., true",
    "'', false"
  })
  void dotSegments(String path, boolean expected) {
    assertThat(RequestPaths.hasDotSegment(path)).isEqualTo(expected);
  }

  @Test
  void tracingIds_areVersion4UuidsAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestPaths.newTracingId();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(seen.add(id)).isTrue();
    }
  }
}
