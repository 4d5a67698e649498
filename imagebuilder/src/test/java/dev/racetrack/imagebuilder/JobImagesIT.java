package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.build.BuildResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job images against a real registry and Docker engine ({@code .ci/containers.sh}): the python and
 * java adder samples built into images, run with {@code docker run} and called; layers shared
 * between builds that differ in code only; build secrets absent from every layer and the config.
 */
class JobImagesIT {
  private static final String SECRET = "JOBIMAGES-SECRET-MARKER-7d41c2";
  private static final String NAMESPACE = JobImagesFixture.NAMESPACE;

  @TempDir Path tmp;
  private JobImagesFixture images;

  @BeforeEach
  void setUp() {
    images = new JobImagesFixture(tmp, tmp.resolve("data"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    images.close();
  }

  @Test
  void build_pythonAdder_pushesAnImageByDigest_thatRunsAndAdds() throws Exception {
    String image = images.buildImage(JobImagesFixture.SAMPLES.resolve("python-adder"), Map.of());

    assertThat(image)
        .startsWith(
            images.containers.registry()
                + "/"
                + NAMESPACE
                + "/job-entrypoint/python-adder@sha256:");
    JsonNode config = images.config(image);
    assertThat(config.at("/config/User").asText()).isEqualTo(JobImages.USER);
    assertThat(config.at("/config/Labels/racetrack.job.name").asText()).isEqualTo("python-adder");
    assertThat(config.at("/config/Labels/racetrack.job.version").asText()).isEqualTo("0.0.1");
    assertThat(config.at("/config/Labels/racetrack.platform.version").asText())
        .isEqualTo("test-version");
    assertThat(config.at("/config/Labels/racetrack.job.deployer").asText())
        .isEqualTo(JobImagesFixture.DEPLOYER);
    assertThat(config.at("/config/Labels/racetrack.git.ref").asText()).isNotBlank();
    assertThat(config.at("/config/Labels/org.opencontainers.image.revision").asText())
        .isEqualTo(config.at("/config/Labels/racetrack.git.ref").asText());
    assertThat(images.callPerform(image, "python-adder")).isEqualTo("3");
  }

  @Test
  void build_javaAdder_pushesAnImage_thatRunsOnTheJreBaseAndAdds() throws Exception {
    String image = images.buildImage(JobImagesFixture.SAMPLES.resolve("java-adder"), Map.of());

    assertThat(image).contains("/job-entrypoint/java-adder@sha256:");
    assertThat(images.config(image).at("/config/User").asText()).isEqualTo(JobImages.USER);
    // the runtime gives freed native memory back (experimental before Java 22, so unlocked): the
    // call below shows the base's Java accepts the options
    String command = images.config(image).at("/config").toString();
    assertThat(command)
        .contains("\"-XX:+UnlockExperimentalVMOptions\",\"-XX:TrimNativeHeapInterval=1000\"")
        // Netty's native transport is loaded from the wrapper's layer, not copied to a temp file
        .contains("\"-Djava.library.path=/app/wrapper/native:");
    assertThat(images.layerText(image, images.layers(image).get(images.layers(image).size() - 2)))
        .contains("app/wrapper/native/libnetty_transport_native_epoll_x86_64.so");
    assertThat(images.callPerform(image, "java-adder")).isEqualTo("3.0");
  }

  @Test
  void build_twoBuildsDifferingInCodeOnly_shareAllLayersButTheLast() throws Exception {
    Path job = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    List<String> first = images.layers(images.buildImage(job, Map.of()));
    Files.writeString(
        job.resolve("adder.py"), Files.readString(job.resolve("adder.py")) + "\n# changed\n");
    List<String> second = images.layers(images.buildImage(job, Map.of()));

    assertThat(second).hasSameSizeAs(first);
    assertThat(second.subList(0, second.size() - 1)).isEqualTo(first.subList(0, first.size() - 1));
    assertThat(second.getLast()).isNotEqualTo(first.getLast());
  }

  @Test
  void build_withSecretBuildEnv_leavesTheSecretInNoLayerAndNotInTheConfig() throws Exception {
    Path job = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    // the dependency step runs with the secret in its environment
    Files.writeString(job.resolve("requirements.txt"), "# no requirements\n");
    Files.writeString(
        job.resolve("job.yaml"),
        Files.readString(job.resolve("job.yaml")) + "  requirements_path: requirements.txt\n");
    String image = images.buildImage(job, Map.of("PIP_SECRET_TOKEN", SECRET));

    assertThat(images.log).anyMatch(l -> l.contains("pip"));
    String config =
        images.registryText(
            "/v2/" + images.repository(image) + "/blobs/" + images.configDigest(image));
    assertThat(config).doesNotContain(SECRET).contains("racetrack.job.name");
    List<String> layers = images.layers(image);
    for (String layer : layers) {
      assertThat(images.layerText(image, layer)).as("layer " + layer).doesNotContain(SECRET);
    }
    assertThat(String.join("\n", images.log)).doesNotContain(SECRET);
  }

  /**
   * {@code jobtype_extra.python_version} is checked against the base image's own Python (a job
   * never runs on another version than it asked for), and installed requirements are checked with
   * {@code pip check} unless {@code check_requirements} is false.
   */
  @Test
  void build_pythonVersionAndRequirementsCheck_areHonouredInTheBaseImage() throws Exception {
    Path wrong = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    Files.writeString(
        wrong.resolve("job.yaml"),
        Files.readString(wrong.resolve("job.yaml")) + "  python_version: \"3.9\"\n");
    BuildResult refused = images.tryBuild(wrong, Map.of());
    assertThat(refused.error())
        .as(refused.logs())
        .contains("jobtype_extra.python_version 3.9 was asked for")
        .contains("the base image runs Python 3.");
    java.util.regex.Matcher base =
        java.util.regex.Pattern.compile("runs Python (3\\.\\d+)\\.\\d+").matcher(refused.error());
    assertThat(base.find()).as(refused.error()).isTrue();

    // the version asked for, without requirements: the check alone runs in the base image
    Path versionOnly = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    Files.writeString(
        versionOnly.resolve("job.yaml"),
        Files.readString(versionOnly.resolve("job.yaml"))
            + "  python_version: \""
            + base.group(1)
            + "\"\n");
    assertThat(images.callPerform(images.buildImage(versionOnly, Map.of()), "python-adder"))
        .isEqualTo("3");

    Path right = images.copyOf(JobImagesFixture.SAMPLES.resolve("python-adder"));
    Files.writeString(right.resolve("requirements.txt"), "# no requirements\n");
    Files.writeString(
        right.resolve("job.yaml"),
        Files.readString(right.resolve("job.yaml"))
            + "  python_version: \""
            + base.group(1)
            + "\"\n  requirements_path: requirements.txt\n");
    images.log.clear();
    String image = images.buildImage(right, Map.of());
    assertThat(images.log).anyMatch(l -> l.contains("checking the installed requirements"));
    assertThat(images.log).anyMatch(l -> l.contains("No broken requirements found"));
    assertThat(images.callPerform(image, "python-adder")).isEqualTo("3");

    Files.writeString(
        right.resolve("job.yaml"),
        Files.readString(right.resolve("job.yaml")) + "  check_requirements: false\n");
    images.log.clear();
    images.buildImage(right, Map.of());
    assertThat(images.log).noneMatch(l -> l.contains("No broken requirements found"));
  }
}
