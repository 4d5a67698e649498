package dev.racetrack.model.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SemVerTest {

  @Test
  void parse_whenValid_readsAllParts() {
    SemVer v = SemVer.parse("1.2.3-rc.1+build.5");
    assertThat(v.major()).isEqualTo(1);
    assertThat(v.minor()).isEqualTo(2);
    assertThat(v.patch()).isEqualTo(3);
    assertThat(v.preRelease()).isEqualTo("rc.1");
    assertThat(v.build()).isEqualTo("build.5");
    assertThat(v.isStable()).isFalse();
    assertThat(v).hasToString("1.2.3-rc.1+build.5");
  }

  @Test
  void parse_whenInvalid_namesTheVersion() {
    for (String bad : List.of("1.0", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3.4", "")) {
      assertThatThrownBy(() -> SemVer.parse(bad))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void compareTo_followsSemVerPrecedence() {
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
            "2.0.0");
    List<String> shuffled = Stream.of(ordered.reversed().toArray(String[]::new)).toList();
    assertThat(shuffled.stream().map(SemVer::parse).sorted().map(SemVer::toString).toList())
        .isEqualTo(ordered);
  }

  @Test
  void compareText_putsNonSemVerBelowSemVer() {
    assertThat(SemVer.compareText("garbage", "0.0.1")).isNegative();
    assertThat(SemVer.compareText("1.0.0", "1.0.0-rc")).isPositive();
  }
}
