package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginStoreTest {
  @TempDir Path tmp;

  private PluginStore store() {
    return new PluginStore(
        tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
  }

  private static long filesUnder(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void install_validBundle_storesZipExtractedFilesAndChangesMarker() {
    PluginStore store = store();
    String before = store.lastChange();

    PluginManifest manifest =
        store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);

    assertThat(manifest.id()).isEqualTo("shell-http-1.0.0");
    assertThat(store.dir().resolve("shell-http-1.0.0.zip")).isRegularFile();
    assertThat(store.extractedDir(manifest).resolve("wrapper.sh")).isRegularFile();
    assertThat(store.installed())
        .extracting(PluginManifest::id)
        .containsExactly("shell-http-1.0.0");
    assertThat(store.lastChange()).isNotEqualTo(before).isNotEmpty();
  }

  @Test
  void install_whenPluginCannotBeLoaded_installsNothing() throws Exception {
    PluginStore store = store();
    Path broken =
        PluginBundleFixture.plugin(tmp, "broken", "1.0.0", "")
            .javaClass("test.Nothing", "package test; public class Nothing {}")
            .zip("broken.zip");

    assertThatThrownBy(() -> store.install(broken, false))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("broken-1.0.0")
        .hasMessageContaining("no dev.racetrack.spi service");
    assertThat(store.installed()).isEmpty();
    assertThat(store.lastChange()).isEmpty();
    assertThat(filesUnder(store.dir())).isZero();
  }

  @Test
  void install_pythonPlugin_installsNothing() throws Exception {
    PluginStore store = store();
    Path python =
        PluginBundleFixture.rawZip(
            tmp.resolve("py.zip"),
            java.util.Map.of(
                "plugin-manifest.yaml", "name: p\nversion: 1.0.0\n", "plugin.py", "x"));

    assertThatThrownBy(() -> store.install(python, false)).hasMessageContaining("plugin.py");
    assertThat(Files.exists(store.dir()) ? filesUnder(store.dir()) : 0).isZero();
  }

  @Test
  void install_twoVersions_keepsBothUnlessReplace() {
    PluginStore store = store();
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "2.0.0"), false);
    assertThat(store.installed())
        .extracting(PluginManifest::version)
        .containsExactly("1.0.0", "2.0.0");

    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "3.0.0"), true);

    assertThat(store.installed()).extracting(PluginManifest::version).containsExactly("3.0.0");
    assertThat(store.dir().resolve("shell-http-1.0.0.zip")).doesNotExist();
  }

  @Test
  void install_secondInfrastructureVersionWithoutReplace_isRefused() {
    PluginStore store = store();
    store.install(infra("2.0.0"), false);

    assertThatThrownBy(() -> store.install(infra("2.1.0"), false))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("--replace");
  }

  private Path infra(String version) {
    return PluginBundleFixture.plugin(tmp, "remote", version, "category: infrastructure\n")
        .file("job-type.yaml", "images:\n  - dockerfile: D\n")
        .file("D", "FROM x")
        .zip("remote-" + version + ".zip");
  }

  @Test
  void uninstall_removesFilesAndUnknownIsNotFound() {
    PluginStore store = store();
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);

    store.uninstall("shell-http", "1.0.0");

    assertThat(store.installed()).isEmpty();
    assertThat(store.dir().resolve("shell-http-1.0.0.zip")).doesNotExist();
    assertThatThrownBy(() -> store.uninstall("shell-http", "1.0.0"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void writeConfig_isReadBackAndSeenByThePlugin() {
    PluginStore store = store();
    store.install(PluginTestBundles.javaHook(tmp, "notes", "{}"), false);

    store.writeConfig("notes", "1.0.0", "url: http://127.0.0.1:1/x\n");

    assertThat(store.config("notes", "1.0.0")).contains("url:");
    LoadedPlugin plugin = store.load(Set.of("lifecycle"), getClass().getClassLoader()).getFirst();
    assertThat(plugin.hooks().getFirst().markdownDocs())
        .hasValueSatisfying(d -> assertThat(d).contains("config: url:"));
    plugin.close();
  }

  @Test
  void load_pluginForAnotherComponent_isSkipped() {
    PluginStore store = store();
    store.install(
        PluginBundleFixture.plugin(tmp, "ib-only", "1.0.0", "components: [image-builder]\n")
            .file("job-type.yaml", "images:\n  - dockerfile: D\n")
            .file("D", "FROM x")
            .zip("ib.zip"),
        false);

    assertThat(store.load(Set.of("lifecycle"), getClass().getClassLoader())).isEmpty();
    assertThat(store.load(Set.of("image-builder"), getClass().getClassLoader())).hasSize(1);
  }
}
