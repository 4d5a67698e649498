package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A declarative job type's build arguments reach the engine build: the template's base image and
 * two checked values come only through {@code --build-arg} (the build fails without them), filled
 * from the job's {@code jobtype_extra}, a default and the platform.
 */
class TemplateBuildArgsIT {
  @TempDir Path tmp;
  private Plugins plugins;
  private JobImagesFixture images;

  @BeforeEach
  void setUp() {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    plugins = new Plugins(List.of(), List.of());
    images = new JobImagesFixture(tmp, tmp.resolve("data"), plugins);
    store.install(
        PluginBundleFixture.plugin(tmp, "argtype", "2.1.0", "category: job-type\n")
            .file(
                "job-type.yaml",
                """
                images:
                  - dockerfile: job.Dockerfile
                build_args:
                  - name: BASE_IMAGE
                    jobtype_extra: base_image
                    default: %s
                  - name: GREETING
                    jobtype_extra: greeting
                  - name: JT_VERSION
                    platform: job_type_version
                """
                    .formatted(images.containers.pythonBase()))
            .file(
                "job.Dockerfile",
                """
                ARG BASE_IMAGE
                FROM ${BASE_IMAGE}
                ARG GREETING
                ARG JT_VERSION
                RUN test "$GREETING" = "hello-from-extra" && test "$JT_VERSION" = "2.1.0"
                CMD ["python3", "-m", "http.server", "7000"]
                """)
            .zip("argtype-2.1.0.zip"),
        false);
    plugins.replace(store.load(Set.of("image-builder"), getClass().getClassLoader()));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (images != null) {
      images.close();
    }
    plugins.close();
  }

  private Path job(String extra) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("job-" + Math.abs(extra.hashCode())));
    Files.writeString(
        dir.resolve("job.yaml"),
        """
        name: argjob
        owner_email: a@example.com
        version: 0.1.0
        jobtype: argtype:2.1.0
        git:
          remote: https://example.com/r.git
        jobtype_extra:
        %s
        """
            .formatted(extra));
    return dir;
  }

  @Test
  void build_declaredArgs_arePassedToTheEngineBuild() throws Exception {
    String image = images.buildImage(job("  greeting: hello-from-extra\n"), Map.of());

    assertThat(image).contains("/job-template/argjob@sha256:");
    assertThat(images.log)
        .anyMatch(
            l -> l.contains("build arguments: {BASE_IMAGE=") && l.contains("JT_VERSION=2.1.0"));
  }

  @Test
  void build_requiredArgMissing_failsBeforeTheEngineNamingTheKey() {
    assertThatThrownBy(() -> images.buildImage(job("  other: x\n"), Map.of()))
        .hasMessageContaining("job type argtype:2.1.0 needs jobtype_extra.greeting");
  }
}
