package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateJobTypeTest {
  @TempDir Path tmp;

  private TemplateJobType install() {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);
    return (TemplateJobType)
        store
            .load(Set.of("image-builder"), getClass().getClassLoader())
            .getFirst()
            .jobTypes()
            .getFirst();
  }

  private static Manifest manifest() {
    return new ManifestValidator()
        .validate(
            Map.of(
                "name", "greeter",
                "owner_email", "a@example.com",
                "version", "0.1.0",
                "jobtype", "shell-http:1.0.0",
                "git", Map.of("remote", "https://example.com/r.git"),
                "build_env", Map.of("GREETING", "hello <world> & \"all\""),
                "jobtype_extra", Map.of("entrypoint", "serve.sh")),
            "test")
        .manifest();
  }

  @Test
  void renderBuildContext_rendersTemplateCopiesSourceAndWrapper() throws Exception {
    TemplateJobType jobType = install();
    Path source = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(source.resolve("serve.sh"), "echo hi\n");
    Path context = tmp.resolve("ctx");

    List<Path> dockerfiles =
        jobType.renderBuildContext(
            manifest(), source, context, new TemplateJobType.Values("abc123", "0.9.0"));

    assertThat(dockerfiles).containsExactly(context.resolve(".jobtype-0.Dockerfile"));
    String dockerfile = Files.readString(dockerfiles.getFirst());
    assertThat(dockerfile)
        .contains("ENV GREETING=\"hello <world> & \"all\"\"")
        .contains(
            "LABEL racetrack-job=\"greeter\" version=\"0.1.0\" jobtype=\"1.0.0\" git=\"abc123\"")
        .contains("CMD [\"/opt/wrapper.sh\", \"serve.sh\"]")
        .doesNotContain("{{");
    assertThat(context.resolve("serve.sh")).hasContent("echo hi");
    assertThat(context.resolve(".jobtype/wrapper.sh")).isRegularFile();
  }

  @Test
  void buildLocal_saysItBuildsImagesOnly() {
    TemplateJobType jobType = install();

    assertThatThrownBy(() -> jobType.buildLocal(null))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("shell-http:1.0.0 builds container images only");
  }

  @Test
  void renderBuildContext_shellSample_rendersDockerfileOfTheSampleJob() throws Exception {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        dev.racetrack.testsupport.PluginBundleFixture.directory(
                tmp, Path.of("../samples/plugins/shell-job-type"))
            .zip("shell.zip"),
        false);
    TemplateJobType shell =
        (TemplateJobType)
            store
                .load(Set.of("image-builder"), getClass().getClassLoader())
                .getFirst()
                .jobTypes()
                .getFirst();
    Manifest manifest =
        new ManifestValidator()
            .validate(
                dev.racetrack.model.manifest.ManifestFiles.read(
                        Path.of("../samples/shell-hello/job.yaml"))
                    .content(),
                "job.yaml")
            .manifest();
    Path context = tmp.resolve("ctx");

    Path dockerfile =
        shell
            .renderBuildContext(
                manifest,
                Path.of("../samples/shell-hello"),
                context,
                new TemplateJobType.Values("tar", "1.0"))
            .getFirst();

    assertThat(shell.key()).isEqualTo("shell:1.0.0");
    assertThat(Files.readString(dockerfile))
        .contains("FROM 127.0.0.1:5000/racetrack-base/python:3.11")
        .contains("JOB_SCRIPT=\"perform.sh\"")
        .contains("JOB_TYPE_VERSION=\"1.0.0\"")
        .doesNotContain("{{");
    assertThat(context.resolve("perform.sh")).isRegularFile();
    assertThat(context.resolve(".jobtype/wrapper.py")).isRegularFile();
  }

  private TemplateJobType withBuildArgs(String buildArgs) {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        dev.racetrack.testsupport.PluginBundleFixture.plugin(
                tmp, "args", "2.1.0", "category: job-type\n")
            .file("job-type.yaml", "images:\n  - dockerfile: D\nbuild_args:\n" + buildArgs)
            .file("D", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
            .zip("args.zip"),
        false);
    LoadedPlugin loaded =
        store.load(Set.of("image-builder"), getClass().getClassLoader()).getFirst();
    assertThat(loaded.error()).isEmpty();
    return (TemplateJobType) loaded.jobTypes().getFirst();
  }

  private static Manifest manifestWithExtra(Map<String, Object> extra) {
    return new ManifestValidator()
        .validate(
            Map.of(
                "name", "greeter",
                "owner_email", "a@example.com",
                "version", "0.1.0",
                "jobtype", "args:2.1.0",
                "git", Map.of("remote", "https://example.com/r.git"),
                "jobtype_extra", extra),
            "test")
        .manifest();
  }

  private static final String ARGS =
      """
        - name: BASE_IMAGE
          jobtype_extra: base_image
          default: registry.test/base:1
        - name: GREETING
          jobtype_extra: greeting
        - name: JT
          platform: job_type_version
        - name: RT
          platform: deployed_by_racetrack_version
      """;

  @Test
  void buildArgs_filledByPlatformJobtypeExtraOrDefault() throws Exception {
    TemplateJobType jobType = withBuildArgs(ARGS);

    TemplateJobType.Prepared prepared =
        jobType.prepare(
            manifestWithExtra(Map.of("greeting", "hi", "unused", "x")),
            Files.createDirectories(tmp.resolve("src")),
            tmp.resolve("ctx"),
            new TemplateJobType.Values("abc", "9.9.9"));

    assertThat(prepared.buildArgs())
        .containsExactly(
            Map.entry("BASE_IMAGE", "registry.test/base:1"),
            Map.entry("GREETING", "hi"),
            Map.entry("JT", "2.1.0"),
            Map.entry("RT", "9.9.9"));
    assertThat(
            jobType.buildArgs(
                manifestWithExtra(Map.of("greeting", 42, "base_image", "mine:2")),
                new TemplateJobType.Values("abc", "9.9.9")))
        .containsEntry("BASE_IMAGE", "mine:2")
        .containsEntry("GREETING", "42");
  }

  @Test
  void validate_buildArgWithoutDefaultMissingFromTheJob_namesTheJobtypeExtraKey() {
    TemplateJobType jobType = withBuildArgs(ARGS);

    assertThatThrownBy(() -> jobType.validate(manifestWithExtra(Map.of())))
        .isInstanceOf(dev.racetrack.model.error.ValidationException.class)
        .hasMessage(
            "job type args:2.1.0 needs jobtype_extra.greeting (its build argument GREETING has no"
                + " default)");
    assertThatThrownBy(
            () -> jobType.validate(manifestWithExtra(Map.of("greeting", List.of("a", "b")))))
        .hasMessageContaining("jobtype_extra.greeting should be a text");
  }

  @Test
  void load_badBuildArgDeclarations_areRefusedNamingThePlugin() {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    for (String bad :
        List.of(
            "  - name: X\n    platform: home_dir\n",
            "  - name: X\n",
            "  - name: 1X\n    default: a\n",
            "  - name: X\n    platform: job_name\n    default: a\n",
            "  - name: X\n    secret: a\n")) {
      Path zip =
          dev.racetrack.testsupport.PluginBundleFixture.plugin(
                  tmp, "bad", "1.0.0", "category: job-type\n")
              .file("job-type.yaml", "images:\n  - dockerfile: D\nbuild_args:\n" + bad)
              .file("D", "FROM scratch\n")
              .zip("bad.zip");

      assertThatThrownBy(() -> store.install(zip, false))
          .as(bad)
          .isInstanceOf(dev.racetrack.model.error.ValidationException.class)
          .hasMessageContaining("plugin bad-1.0.0")
          .hasMessageContaining("build_args");
    }
  }
}
