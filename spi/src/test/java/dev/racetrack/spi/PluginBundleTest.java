package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginBundleTest {
  private static final String MANIFEST = "name: demo\nversion: 1.0.0\n";
  private static final String JOB_TYPE = "images:\n  - dockerfile: job.Dockerfile\n";

  @TempDir Path tmp;

  private PluginBundle read(Map<String, String> entries) {
    return PluginBundle.read(
        PluginBundleFixture.rawZip(tmp.resolve("b.zip"), entries), PluginBundle.Limits.standard());
  }

  @Test
  void read_declarativeJobType_returnsManifest() {
    PluginBundle bundle =
        read(
            Map.of(
                "plugin-manifest.yaml",
                MANIFEST,
                "job-type.yaml",
                JOB_TYPE,
                "job.Dockerfile",
                "FROM x"));

    assertThat(bundle.manifest().id()).isEqualTo("demo-1.0.0");
    assertThat(bundle.entries()).contains("job.Dockerfile");
  }

  @Test
  void read_notAZip_isRefused() throws Exception {
    Path file = tmp.resolve("x.zip");
    Files.writeString(file, "not a zip at all");

    assertThatThrownBy(() -> PluginBundle.read(file, PluginBundle.Limits.standard()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("not a valid ZIP");
  }

  @Test
  void read_withoutManifest_isRefused() {
    assertThatThrownBy(() -> read(Map.of("job-type.yaml", JOB_TYPE)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no plugin-manifest.yaml");
  }

  @Test
  void read_invalidManifest_namesTheProblem() {
    assertThatThrownBy(
            () -> read(Map.of("plugin-manifest.yaml", "name: demo\n", "job-type.yaml", JOB_TYPE)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "plugin-manifest.yaml",
                        MANIFEST + "colour: red\n",
                        "job-type.yaml",
                        JOB_TYPE)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("unknown field 'colour'");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "plugin-manifest.yaml",
                        "name: ../x\nversion: 1\n",
                        "job-type.yaml",
                        JOB_TYPE)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("name should be");
  }

  @Test
  void read_manifestFieldsOutOfRange_areRefusedNamingThem() {
    for (String[] bad :
        new String[][] {
          {"components: [pub]\n", "'pub' runs no plugin code"},
          {"components: [dashboard]\n", "'dashboard' runs no plugin code"},
          {"components: [lifecycle, scheduler]\n", "components should be among"},
          {"category: gadget\n", "category should be one of"},
          {"priority: high\n", "priority"}
        }) {
      assertThatThrownBy(
              () ->
                  read(
                      Map.of("plugin-manifest.yaml", MANIFEST + bad[0], "job-type.yaml", JOB_TYPE)))
          .as(bad[0])
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(bad[1]);
    }
    read(
        Map.of(
            "plugin-manifest.yaml",
            MANIFEST + "components: [lifecycle, image-builder]\n",
            "job-type.yaml",
            JOB_TYPE));
  }

  @Test
  void read_pathTraversalEntry_isRefused() {
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "plugin-manifest.yaml",
                        MANIFEST,
                        "job-type.yaml",
                        JOB_TYPE,
                        "../evil.sh",
                        "x")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("unsafe entry name")
        .hasMessageContaining("../evil.sh");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "plugin-manifest.yaml",
                        MANIFEST,
                        "job-type.yaml",
                        JOB_TYPE,
                        "/etc/x",
                        "x")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("unsafe entry name");
  }

  @Test
  void read_originalPythonPlugin_isRefusedSayingWhatIsSupported() {
    assertThatThrownBy(
            () ->
                read(Map.of("plugin-manifest.yaml", MANIFEST, "plugin.py", "class Plugin: pass\n")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("plugin.py")
        .hasMessageContaining("lib/*.jar")
        .hasMessageContaining("job-type.yaml");
  }

  @Test
  void read_nothingToLoad_isRefused() {
    assertThatThrownBy(() -> read(Map.of("plugin-manifest.yaml", MANIFEST, "README.md", "hi")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("nothing to load");
  }

  @Test
  void read_overSizeLimits_isRefused() {
    Path zip =
        PluginBundleFixture.rawZip(
            tmp.resolve("big.zip"),
            Map.of(
                "plugin-manifest.yaml",
                MANIFEST,
                "job-type.yaml",
                JOB_TYPE,
                "big",
                "x".repeat(10_000)));

    assertThatThrownBy(() -> PluginBundle.read(zip, new PluginBundle.Limits(100, 1 << 20, 100)))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThatThrownBy(() -> PluginBundle.read(zip, new PluginBundle.Limits(1 << 20, 1 << 20, 2)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("entries");
    PluginBundle bundle = PluginBundle.read(zip, new PluginBundle.Limits(1 << 20, 5_000, 100));
    assertThatThrownBy(() -> bundle.extractTo(tmp.resolve("out")))
        .isInstanceOf(PayloadTooLargeException.class);
  }
}
