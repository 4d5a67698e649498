package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.docker.DockerConfig;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerivedBaseImagesTest {
  private static final String BASE = "127.0.0.1:5000/base/python@sha256:" + "a".repeat(64);

  @TempDir Path tmp;

  @Test
  void dockerfile_installsOnlyThePackages_onTheBasePinnedByDigest() {
    assertThat(DerivedBaseImages.dockerfile(BASE, new TreeSet<>(List.of("libpq5", "jq"))))
        .isEqualTo(
            "FROM "
                + BASE
                + "\nUSER root\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get"
                + " install -y --no-install-recommends jq libpq5 && rm -rf /var/lib/apt/lists/*\n");
  }

  @Test
  void tag_dependsOnTheBaseDigestAndThePackageSet_notTheirOrder() {
    String tag = DerivedBaseImages.tag(BASE, Set.of("jq", "libpq5"));

    assertThat(tag).matches("[0-9a-f]{64}");
    assertThat(DerivedBaseImages.tag(BASE, new TreeSet<>(List.of("libpq5", "jq")))).isEqualTo(tag);
    assertThat(DerivedBaseImages.tag(BASE, Set.of("jq"))).isNotEqualTo(tag);
    assertThat(DerivedBaseImages.tag(BASE.replace('a', 'b'), Set.of("jq", "libpq5")))
        .isNotEqualTo(tag);
  }

  @Test
  void derive_withABadPackageName_failsNamingIt() {
    DerivedBaseImages bases = new DerivedBaseImages(config("unix://" + tmp.resolve("none.sock")));

    assertThatThrownBy(
            () -> bases.derive("python3", BASE, List.of("jq", "jq\nRUN x"), tmp, progress()))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("jq\nRUN x")
        .hasMessageContaining("not Debian package names");
  }

  @Test
  void derive_withoutAReachableEngine_failsNamingDockerHost() {
    String host = "unix://" + tmp.resolve("no-engine.sock");
    DerivedBaseImages bases = new DerivedBaseImages(config(host));

    assertThatThrownBy(() -> bases.derive("python3", BASE, List.of("jq"), tmp, progress()))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("DOCKER_HOST")
        .hasMessageContaining(host);
  }

  @Test
  void derive_withoutARegistry_failsNamingDockerRegistry() {
    DerivedBaseImages bases =
        new DerivedBaseImages(DockerConfig.fromEnv(Map.of("DOCKER_HOST", "unix:///none")));

    assertThatThrownBy(() -> bases.derive("python3", BASE, List.of("jq"), tmp, progress()))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("DOCKER_REGISTRY");
  }

  @Test
  void repositoryName_keepsOnlyRepositoryCharacters() {
    assertThat(DerivedBaseImages.repositoryName("Python3")).isEqualTo("python3");
    assertThat(DerivedBaseImages.repositoryName("my/type")).isEqualTo("my-type");
  }

  private static DockerConfig config(String host) {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", host);
    env.put("DOCKER_REGISTRY", "127.0.0.1:5000");
    env.put("DOCKER_REGISTRY_NAMESPACE", "racetrack");
    return DockerConfig.fromEnv(env);
  }

  private static BuildProgress progress() {
    return BuildProgress.discard();
  }
}
