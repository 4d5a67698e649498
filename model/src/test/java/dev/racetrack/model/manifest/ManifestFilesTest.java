package dev.racetrack.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFilesTest {
  @TempDir Path dir;

  @Test
  void read_withExtends_deepMergesOverlayOntoBase() throws IOException {
    Files.writeString(
        dir.resolve("base.yaml"),
        """
        name: adder
        owner_email: a@example.com
        jobtype: python3:latest
        git: {remote: https://x/y, branch: main}
        runtime_env: {A: "1", B: "2"}
        """);
    Files.writeString(
        dir.resolve("job.yaml"),
        """
        extends: base.yaml
        version: 2.0.0
        git: {branch: dev}
        runtime_env: {B: "3"}
        """);
    ManifestFiles.RawManifest raw = ManifestFiles.read(ManifestFiles.locate(dir));
    assertThat(raw.content()).doesNotContainKey("extends").containsEntry("version", "2.0.0");
    assertThat(raw.content().get("git"))
        .isEqualTo(Map.of("remote", "https://x/y", "branch", "dev"));
    assertThat(raw.content().get("runtime_env")).isEqualTo(Map.of("A", "1", "B", "3"));
  }

  @Test
  void read_whenBaseExtendsAgain_isRejected() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), "extends: b.yaml\nname: x\n");
    Files.writeString(dir.resolve("b.yaml"), "name: y\n");
    Files.writeString(dir.resolve("job.yaml"), "extends: a.yaml\n");
    assertThatThrownBy(() -> ManifestFiles.read(dir.resolve("job.yaml")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("only one level");
  }

  @Test
  void read_invalidYaml_namesFile() throws IOException {
    Files.writeString(dir.resolve("job.yaml"), "name: [unclosed\n");
    assertThatThrownBy(() -> ManifestFiles.read(dir.resolve("job.yaml")))
        .hasMessageContaining("job.yaml: invalid YAML");
  }

  @Test
  void read_duplicateKeys_areRejected() throws IOException {
    Files.writeString(dir.resolve("job.yaml"), "name: a\nname: b\n");
    assertThatThrownBy(() -> ManifestFiles.read(dir.resolve("job.yaml")))
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void locate_withoutManifest_explains() {
    assertThatThrownBy(() -> ManifestFiles.locate(dir)).hasMessageContaining("no job.yaml found");
  }

  @Test
  void applyExtraVars_parsesYamlValuesAndCreatesMaps() {
    Map<String, Object> result =
        ManifestFiles.applyExtraVars(
            Map.of("name", "a", "git", Map.of("remote", "https://x")),
            List.of(
                "replicas=3", "git.branch=dev", "runtime_env.DEBUG=true", "labels.tags=[a, b]"));
    assertThat(result).containsEntry("replicas", 3);
    assertThat(result.get("git")).isEqualTo(Map.of("remote", "https://x", "branch", "dev"));
    assertThat(result.get("runtime_env")).isEqualTo(Map.of("DEBUG", true));
    assertThat(result.get("labels")).isEqualTo(Map.of("tags", List.of("a", "b")));
  }

  @Test
  void applyExtraVars_intoScalar_isRejected() {
    assertThatThrownBy(() -> ManifestFiles.applyExtraVars(Map.of("name", "a"), List.of("name.x=1")))
        .hasMessageContaining("'name' is not a mapping");
    assertThatThrownBy(() -> ManifestFiles.applyExtraVars(Map.of(), List.of("novalue")))
        .hasMessageContaining("must look like key.path=value");
  }
}
