package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.build.BuildResult;
import dev.racetrack.spi.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code system_dependencies} in job images against the engine and registry of {@code
 * .ci/containers.sh}: apt installs the packages in a derived base image (pushed under a namespace
 * fresh for each test, so the first build always derives), the next build reuses it, and a bad
 * package name is refused before anything is fetched or built.
 */
class SystemDependenciesIT {
  @TempDir Path tmp;
  private JobImagesFixture images;
  private String namespace;

  @BeforeEach
  void setUp() {
    namespace = "sysdeps-test-" + System.nanoTime();
    images = new JobImagesFixture(tmp, tmp.resolve("data"), Plugins.discover(), namespace);
  }

  @AfterEach
  void cleanUp() throws Exception {
    images.close();
  }

  @Test
  void build_pythonJobWithJq_installsJqInADerivedBase_andTheNextBuildReusesIt() throws Exception {
    Path job = jobWith("jq");

    String image = images.buildImage(job, Map.of());
    String derived = derivedBase(images.log);
    images.removeOnClose(derived);

    assertThat(derived)
        .startsWith(
            images.containers.registry() + "/" + namespace + "/system-deps/python3@sha256:");
    assertThat(images.log).anyMatch(l -> l.contains("Setting up jq"));
    assertThat(jqVersion(image)).startsWith("jq-");
    assertThat(images.callPerform(image, "python-adder")).isEqualTo("3");

    images.log.clear();
    String again = images.buildImage(job, Map.of());

    assertThat(images.log).anyMatch(l -> l.startsWith("reusing " + derived));
    assertThat(images.log).noneMatch(l -> l.contains("apt-get") || l.contains("Setting up"));
    assertThat(jqVersion(again)).startsWith("jq-");
  }

  @Test
  void build_withABadPackageName_isRefusedNamingIt_beforeAnythingIsBuilt() throws Exception {
    Path job = jobWith("\"jq && touch /tmp/x\"");

    BuildResult result = images.tryBuild(job, Map.of());

    assertThat(result.error())
        .contains("system_dependencies")
        .contains("jq && touch /tmp/x")
        .contains("not Debian package names");
    assertThat(images.log).noneMatch(l -> l.startsWith("phase fetching"));
    assertThat(images.log).noneMatch(l -> l.contains("system dependencies in the base image"));
  }

  private Path jobWith(String pkg) throws Exception {
    Path job = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    Files.writeString(
        job.resolve("job.yaml"),
        Files.readString(job.resolve("job.yaml")) + "system_dependencies:\n  - " + pkg + "\n");
    return job;
  }

  private static String derivedBase(List<String> log) {
    String prefix = "derived base image pushed: ";
    return log.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no derived base image in the log: " + log));
  }

  /** The last line of {@code jq --version} in the image (after docker's pull output). */
  private String jqVersion(String image) throws Exception {
    String out =
        images.run(
            List.of(
                "docker",
                "--config",
                images.dockerConfig().toString(),
                "run",
                "--rm",
                "--network",
                "host",
                "--entrypoint",
                "/usr/bin/jq",
                image,
                "--version"));
    return out.strip().lines().reduce((first, second) -> second).orElse("");
  }
}
