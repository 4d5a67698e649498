package dev.racetrack.model.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobTypeVersionsTest {
  private static final List<String> INSTALLED =
      List.of(
          "python3:1.0.0",
          "python3:1.2.0",
          "python3:1.2.1-3.9-bullseye",
          "java:1.0.0",
          "python3:2.0.0-rc");

  @Test
  void resolve_latest_includesPreReleases() {
    assertThat(JobTypeVersions.resolve("python3:latest", INSTALLED)).isEqualTo("python3:2.0.0-rc");
    assertThat(JobTypeVersions.resolve("java:latest", INSTALLED)).isEqualTo("java:1.0.0");
  }

  @Test
  void resolve_asteriskPattern_picksHighestMatch() {
    assertThat(JobTypeVersions.resolve("python3:1.*.*", INSTALLED))
        .isEqualTo("python3:1.2.1-3.9-bullseye");
    assertThat(JobTypeVersions.resolve("python3:1.2.*-3.9-bullseye", INSTALLED))
        .isEqualTo("python3:1.2.1-3.9-bullseye");
    assertThat(JobTypeVersions.resolve("python3:1.0.*", INSTALLED)).isEqualTo("python3:1.0.0");
  }

  @Test
  void resolve_xSegment_actsAsWildcard() {
    assertThat(JobTypeVersions.resolve("python3:1.x", INSTALLED))
        .isEqualTo("python3:1.2.1-3.9-bullseye");
    assertThat(JobTypeVersions.resolve("python3:1.0.x", INSTALLED)).isEqualTo("python3:1.0.0");
    assertThat(JobTypeVersions.resolve("java:1.X", INSTALLED)).isEqualTo("java:1.0.0");
    assertThatThrownBy(() -> JobTypeVersions.resolve("python3:3.x", INSTALLED))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("there is no version matching");
  }

  @Test
  void resolve_exact_requiresInstalledVersion() {
    assertThat(JobTypeVersions.resolve("python3:1.2.0", INSTALLED)).isEqualTo("python3:1.2.0");
    assertThatThrownBy(() -> JobTypeVersions.resolve("python3:9.9.9", INSTALLED))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("there is no version matching");
  }

  @Test
  void resolve_unknownLanguageOrBadFormat_explains() {
    assertThatThrownBy(() -> JobTypeVersions.resolve("cobol:1.0.0", INSTALLED))
        .hasMessageContaining("language cobol is not supported, supported are: [java, python3]");
    assertThatThrownBy(() -> JobTypeVersions.resolve("python3", INSTALLED))
        .hasMessageContaining("job type should be specified as name:version");
  }
}
