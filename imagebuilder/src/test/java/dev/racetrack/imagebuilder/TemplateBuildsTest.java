package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.PluginBundleFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the image builder routes a job of a declarative (template) job type, without an engine: an
 * image build renders the template and goes to the engine build (which needs a registry), a build
 * for the local target keeps its clear refusal. The engine build itself is proven by the server's
 * {@code TemplateJobTypeDockerIT}.
 */
class TemplateBuildsTest {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

  @TempDir Path tmp;
  private Plugins plugins;
  private Builder builder;
  private final List<String> log = new ArrayList<>();

  @BeforeEach
  void setUp() {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        PluginBundleFixture.directory(tmp, SAMPLES.resolve("plugins/shell-job-type"))
            .zip("shell-1.0.0.zip"),
        false);
    plugins = new Plugins(List.of(), List.of());
    plugins.replace(store.load(Set.of("image-builder"), getClass().getClassLoader()));
    builder = builder(plugins);
  }

  private Builder builder(Plugins plugins) {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", tmp.resolve("data").toString());
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    return new Builder(
        ImageBuilderConfig.fromEnv(env, "token"),
        plugins,
        new SourceFetcher(BuildContext.Limits.DEFAULT),
        Clock.systemUTC(),
        new SimpleMeterRegistry(),
        Sandbox.none(),
        "test-version");
  }

  @AfterEach
  void tearDown() {
    plugins.close();
  }

  private BuildResult build(BuildRequest.Output output, Map<String, String> secrets)
      throws Exception {
    return build(builder, output, secrets);
  }

  private BuildResult build(
      Builder builder, BuildRequest.Output output, Map<String, String> secrets) throws Exception {
    Path job = SAMPLES.resolve("shell-hello");
    Map<String, Object> manifest =
        Json.yaml()
            .readValue(
                job.resolve("job.yaml").toFile(), new TypeReference<Map<String, Object>>() {});
    String context = Base64.getEncoder().encodeToString(BuildContext.pack(job, p -> true));
    return builder.build(
        new BuildRequest("template-1", manifest, context, null, secrets, "t1", List.of(), output),
        new BuildProgress() {
          @Override
          public void phase(String phase) {
            log.add("phase " + phase);
          }

          @Override
          public void warning(String warning) {
            log.add("warning " + warning);
          }

          @Override
          public void log(String line) {
            log.add(line);
          }
        });
  }

  @Test
  void build_templateJobTypeAsImage_rendersTheTemplateAndAsksForARegistry() throws Exception {
    BuildResult result = build(BuildRequest.Output.IMAGE, Map.of());

    assertThat(result.error()).contains("no registry to push the image to");
    assertThat(log).contains("job type shell:1.0.0, building its Dockerfile template");
    try (Stream<Path> left = Files.list(tmp.resolve("data/workspaces"))) {
      assertThat(left).as("the rendered context is removed").isEmpty();
    }
  }

  /**
   * A job type installed into the watched plugins directory is there for the very next build,
   * without waiting for the watcher's next poll (here an hour away).
   */
  @Test
  void build_rightAfterItsJobTypeIsInstalled_findsIt() throws Exception {
    PluginStore store =
        new PluginStore(tmp.resolve("watched"), PluginBundle.Limits.standard(), Clock.systemUTC());
    try (Plugins watching = new Plugins(List.of(), List.of())) {
      watching.watch(store, Set.of("image-builder"), Duration.ofHours(1));
      store.install(
          PluginBundleFixture.directory(tmp, SAMPLES.resolve("plugins/shell-job-type"))
              .zip("shell-1.0.0.zip"),
          false);

      build(builder(watching), BuildRequest.Output.IMAGE, Map.of());
    }

    assertThat(log).contains("job type shell:1.0.0, building its Dockerfile template");
  }

  /**
   * A job type shipped as Java code in a bundle's jar, installed at runtime: the builder loads it
   * from the plugin's class loader and the artifact is what its {@code buildLocal} made.
   */
  @Test
  void build_withAJobTypeFromABundlesJar_usesItsCode() throws Exception {
    PluginStore store =
        new PluginStore(tmp.resolve("jarred"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        PluginBundleFixture.plugin(tmp, "jarred", "1.2.0", "category: job-type\n")
            .javaClass(
                "test.jarred.JarredJobType",
                """
                package test.jarred;
                import dev.racetrack.spi.*;
                import dev.racetrack.model.manifest.Manifest;
                import java.nio.file.*;
                import java.util.*;
                public class JarredJobType implements JobType {
                  @Override public String name() { return "jarred"; }
                  @Override public String version() { return "1.2.0"; }
                  @Override public void validate(Manifest manifest) {}
                  @Override public LaunchSpec buildLocal(JobBuild build) {
                    try {
                      Files.copy(build.sourceDir().resolve("perform.sh"),
                          build.artifactDir().resolve("perform.sh"));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                    build.progress().log("jarred job type copied perform.sh");
                    return new LaunchSpec(List.of("sh", LaunchSpec.ARTIFACT + "/perform.sh"),
                        LaunchSpec.ARTIFACT, Map.of("MADE_BY", "jarred " + version()));
                  }
                }
                """)
            .service("dev.racetrack.spi.JobType", "test.jarred.JarredJobType")
            .zip("jarred-1.2.0.zip"),
        false);
    Path job = Files.createDirectories(tmp.resolve("jarred-job"));
    Files.writeString(job.resolve("perform.sh"), "echo hello\n");
    Map<String, Object> manifest =
        Map.of(
            "name", "jarred-job",
            "owner_email", "dev@example.com",
            "version", "0.0.1",
            "jobtype", "jarred:1.x",
            "git", Map.of("remote", "https://example.com/jobs"));
    try (Plugins installed = new Plugins(List.of(), List.of())) {
      installed.replace(store.load(Set.of("image-builder"), getClass().getClassLoader()));
      String context = Base64.getEncoder().encodeToString(BuildContext.pack(job, p -> true));

      BuildResult result =
          builder(installed)
              .build(
                  new BuildRequest(
                      "jarred-1",
                      manifest,
                      context,
                      null,
                      Map.of(),
                      "t1",
                      List.of(),
                      BuildRequest.Output.DIRECTORY),
                  BuildProgress.discard());

      assertThat(result.error()).isNull();
      Path artifact = Path.of(result.imageName());
      assertThat(artifact.resolve("perform.sh")).hasContent("echo hello");
      assertThat(artifact.resolve("launch.json")).content().contains("perform.sh", "jarred 1.2.0");
      assertThat(result.logs())
          .contains("job type jarred:1.2.0", "jarred job type copied perform.sh");
    }
  }

  @Test
  void build_templateJobTypeWithSecretBuildEnv_isRefusedBeforeAnyBuild() throws Exception {
    BuildResult result = build(BuildRequest.Output.IMAGE, Map.of("TOKEN", "s3cr3t-value"));

    assertThat(result.error()).contains("take no secret build variables");
    assertThat(result.logs()).doesNotContain("s3cr3t-value");
  }

  @Test
  void build_templateJobTypeForTheLocalTarget_isRefusedWithImagesOnly() throws Exception {
    BuildResult result = build(BuildRequest.Output.DIRECTORY, Map.of());

    assertThat(result.error()).contains("job type shell:1.0.0 builds container images only");
  }
}
