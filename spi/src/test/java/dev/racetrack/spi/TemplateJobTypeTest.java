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
}
