package dev.racetrack.lifecycle.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.PluginContext;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

  private static InfrastructurePlugin plugin(String name) {
    return new InfrastructurePlugin() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public InfrastructureTarget create(PluginContext context) {
        throw new UnsupportedOperationException("made by the test's factory");
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  @Test
  void get_afterAPluginIsInstalledOrRemoved_createsOrClosesItsTargetWithoutRestart() {
    Map<String, InfrastructurePlugin> installed = new ConcurrentHashMap<>();
    installed.put("local", plugin("local"));
    List<String> created = new ArrayList<>();
    List<String> closed = new ArrayList<>();
    Targets targets =
        new Targets(
            () -> Map.copyOf(installed),
            p -> {
              created.add(p.name());
              return closable(p.name(), closed);
            },
            Optional.empty());
    assertThatThrownBy(() -> targets.get("docker")).hasMessageContaining("not available");

    installed.put("docker", plugin("docker"));
    assertThat(targets.get("docker").name()).isEqualTo("docker");
    assertThat(targets.all()).hasSize(2);
    assertThat(created).containsExactly("local", "docker");

    installed.remove("docker");
    assertThatThrownBy(() -> targets.get("docker")).hasMessageContaining("not available");
    assertThat(closed).containsExactly("docker");
    assertThat(created).containsExactly("local", "docker"); // local kept, not remade
  }

  @Test
  void get_whenANewPluginCannotCreateItsTarget_leavesItOutAndKeepsTheOthers() {
    Map<String, InfrastructurePlugin> installed = new ConcurrentHashMap<>();
    installed.put("local", plugin("local"));
    Targets targets =
        new Targets(
            () -> Map.copyOf(installed),
            p -> {
              if (p.name().equals("broken")) {
                throw new IllegalStateException("misconfigured");
              }
              return target(p.name(), false);
            },
            Optional.empty());

    installed.put("broken", plugin("broken"));

    assertThat(targets.choose(Optional.empty())).isEqualTo("local");
    assertThatThrownBy(() -> targets.get("broken")).hasMessageContaining("not available");
  }

  private static InfrastructureTarget closable(String name, List<String> closed) {
    return (InfrastructureTarget)
        Proxy.newProxyInstance(
            TargetsTest.class.getClassLoader(),
            new Class<?>[] {InfrastructureTarget.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "name" -> name;
                  case "close" -> {
                    closed.add(name);
                    yield null;
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
