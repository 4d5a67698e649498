package dev.racetrack.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Plugins;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobManifestsTest {
  private static final Map<String, Object> RAW =
      Map.of(
          "name", "adder",
          "version", "1.0.0",
          "owner_email", "a@example.com",
          "jobtype", "fussy:1.0.0",
          "git", Map.of("remote", "https://example.com/adder"));

  /** A job type that accepts only jobs named {@code adder}. */
  private record Fussy() implements JobType {
    @Override
    public String name() {
      return "fussy";
    }

    @Override
    public String version() {
      return "1.0.0";
    }

    @Override
    public void validate(Manifest manifest) {
      if (!manifest.name().equals("adder")) {
        throw new ValidationException("fussy jobs are named adder, not " + manifest.name());
      }
    }

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      throw new UnsupportedOperationException();
    }
  }

  private final JobManifests manifests =
      new JobManifests(
          new ManifestValidator(Set.of("https")), new Plugins(List.of(new Fussy()), List.of()));

  @Test
  void submitted_whenValid_isTypedWithTheJobTypeThatAcceptedIt() {
    JobManifests.Typed typed = manifests.submitted(RAW);

    assertThat(typed.manifest().name()).isEqualTo("adder");
    assertThat(typed.manifest().git().remote()).isEqualTo("https://example.com/adder");
    assertThat(typed.jobType().key()).isEqualTo("fussy:1.0.0");
  }

  @Test
  void submitted_whenTheJobTypeRefusesIt_failsAtTheEntrance() {
    Map<String, Object> other = new HashMap<>(RAW);
    other.put("name", "subtractor");

    assertThatThrownBy(() -> manifests.submitted(other))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("not subtractor");
  }

  @Test
  void submitted_whenInvalid_namesTheBadField() {
    Map<String, Object> noGit = new HashMap<>(RAW);
    noGit.put("git", Map.of("remote", "ftp://example.com/adder"));

    assertThatThrownBy(() -> manifests.submitted(noGit))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("remote");
  }

  @Test
  void edited_whenBlank_requiresManifestYaml() {
    assertThatThrownBy(() -> manifests.edited(" "))
        .isInstanceOf(ValidationException.class)
        .hasMessage("manifest_yaml is required");
  }

  @Test
  void edited_isValidatedLikeASubmittedOne() {
    Manifest edited = manifests.edited(manifests.submitted(RAW).manifest().toYaml());

    assertThat(edited.name()).isEqualTo("adder");
    assertThat(manifests.jobType(edited).key()).isEqualTo("fussy:1.0.0");
  }
}
