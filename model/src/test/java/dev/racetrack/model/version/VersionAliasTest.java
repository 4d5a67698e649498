package dev.racetrack.model.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.NotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionAliasTest {
  private static final List<String> VERSIONS =
      List.of("0.0.1", "1.2.0", "1.10.3", "1.11.0-rc.1", "2.0.0-beta", "1.2.9");

  @Test
  void resolve_latest_picksHighestStable() {
    assertThat(VersionAlias.resolve("adder", "latest", VERSIONS)).isEqualTo("1.10.3");
  }

  @Test
  void resolve_wildcards_matchSegments() {
    assertThat(VersionAlias.resolve("adder", "1.x", VERSIONS)).isEqualTo("1.10.3");
    assertThat(VersionAlias.resolve("adder", "1.2.x", VERSIONS)).isEqualTo("1.2.9");
    assertThat(VersionAlias.resolve("adder", "1.x.x", VERSIONS)).isEqualTo("1.10.3");
    assertThat(VersionAlias.resolve("adder", "0.x", VERSIONS)).isEqualTo("0.0.1");
  }

  @Test
  void resolve_exactVersion_isReturnedAsIs() {
    assertThat(VersionAlias.resolve("adder", "2.0.0-beta", VERSIONS)).isEqualTo("2.0.0-beta");
    assertThat(VersionAlias.isAlias("1.2.3")).isFalse();
  }

  @Test
  void resolve_whenNoStableVersionMatches_throwsNotFound() {
    assertThatThrownBy(() -> VersionAlias.resolve("adder", "2.x", VERSIONS))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("No stable version found");
    assertThatThrownBy(() -> VersionAlias.resolve("adder", "latest", List.of("1.0.0-rc")))
        .isInstanceOf(NotFoundException.class);
  }
}
