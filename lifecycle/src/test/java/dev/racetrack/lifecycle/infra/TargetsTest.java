package dev.racetrack.lifecycle.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.InfrastructureTarget;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetsTest {

  /** A target that only has a name and says whether it runs images. */
  private static InfrastructureTarget target(String name, boolean runsImages) {
    return (InfrastructureTarget)
        Proxy.newProxyInstance(
            TargetsTest.class.getClassLoader(),
            new Class<?>[] {InfrastructureTarget.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "name" -> name;
                  case "runsImages" -> runsImages;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private final Targets localAndDocker =
      new Targets(List.of(target("local", false), target("docker", true)), Optional.empty());

  @Test
  void choose_withLocalAndDockerAndNoDefault_takesLocal() {
    assertThat(localAndDocker.choose(Optional.empty())).isEqualTo("local");
  }

  @Test
  void choose_withAConfiguredDefault_takesIt() {
    Targets targets =
        new Targets(List.of(target("local", false), target("docker", true)), Optional.of("docker"));

    assertThat(targets.choose(Optional.empty())).isEqualTo("docker");
  }

  @Test
  void choose_withoutLocalOrDefault_asksForOne() {
    Targets targets =
        new Targets(List.of(target("k8s", true), target("docker", true)), Optional.empty());

    assertThatThrownBy(() -> targets.choose(Optional.empty()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Multiple infrastructure targets");
  }

  @Test
  void fits_imageReferencesGoToImageTargetsAndDirectoriesToProcessTargets() {
    String image = "127.0.0.1:5000/racetrack/adder@sha256:0123";
    String directory = "/data/artifacts/job-adder-v-1-0-0";

    assertThat(localAndDocker.fits("docker", image)).isTrue();
    assertThat(localAndDocker.fits("docker", directory)).isFalse();
    assertThat(localAndDocker.fits("local", directory)).isTrue();
    assertThat(localAndDocker.fits("local", image)).isFalse();
  }
}
