package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in job types and targets as bundles: written on a fresh plugins directory, loaded
 * through the same path as third-party bundles, replaceable and uninstallable, and an uninstalled
 * one stays uninstalled after a restart.
 */
class BuiltInBundlesTest {
  @TempDir Path tmp;

  private record FakeJobType(String name, String version) implements JobType {
    @Override
    public void validate(Manifest manifest) {}

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      throw new UnsupportedOperationException();
    }
  }

  private record FakeTarget(String name) implements InfrastructurePlugin {
    @Override
    public InfrastructureTarget create(PluginContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private final FakeTarget local = new FakeTarget("local");

  private PluginStore store() {
    return new PluginStore(
        tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
  }

  private Plugins platform() {
    return new Plugins(List.of(new FakeJobType("python3", "1.0.0")), List.of(local));
  }

  /** A platform start: built-ins installed, then the directory watched. */
  private Plugins start(PluginStore store, String version) {
    Plugins plugins = platform();
    new BuiltInBundles(store, plugins.builtIns(), version, Clock.systemUTC()).install();
    plugins.watch(store, Set.of("lifecycle"), Duration.ofMinutes(1));
    return plugins;
  }

  @Test
  void install_freshDirectory_writesABundlePerBuiltInThatLoadsLikeAnyOther() throws Exception {
    PluginStore store = store();
    try (Plugins plugins = start(store, "2.0.0")) {
      assertThat(store.installed())
          .extracting(m -> m.name() + " " + m.version() + " " + m.category().orElse(""))
          .containsExactly("local 2.0.0 infrastructure", "python3 2.0.0 job-type");
      try (ZipFile zip = new ZipFile(store.bundle("python3", "2.0.0").toFile())) {
        assertThat(zip.getEntry(PluginManifest.FILE)).isNotNull();
        assertThat(new String(zip.getInputStream(zip.getEntry(BuiltIns.FILE)).readAllBytes()))
            .isEqualTo("job_type: python3\n");
      }
      assertThat(plugins.jobTypeKeys()).containsExactly("python3:1.0.0");
      assertThat(plugins.jobTypeOwner("python3:1.0.0"))
          .hasValueSatisfying(p -> assertThat(p.builtIn()).isTrue());
      assertThat(plugins.infrastructureOwner("local"))
          .map(p -> p.manifest().id())
          .hasValue("local-2.0.0");
      // the target's plugin is the platform's own instance: no target is remade on a reload
      assertThat(plugins.infrastructures().get("local")).isSameAs(local);
    }
  }

  @Test
  void uninstall_builtIn_isGoneAndStaysGoneAfterARestart() {
    PluginStore store = store();
    try (Plugins plugins = start(store, "2.0.0")) {
      store.uninstall("python3", "2.0.0");
      plugins.reloadNow();

      assertThat(plugins.jobTypeKeys()).isEmpty();
      assertThatThrownBy(() -> plugins.jobType("python3:latest"))
          .isInstanceOf(ValidationException.class);
    }
    try (Plugins restarted = start(store, "2.0.0")) {
      assertThat(store.installed()).extracting(PluginManifest::name).containsExactly("local");
      assertThat(restarted.jobTypeKeys()).isEmpty();
      assertThat(restarted.infrastructures()).containsOnlyKeys("local");
    }
  }

  @Test
  void upload_replacingABuiltInJobType_takesItsPlace() {
    PluginStore store = store();
    try (Plugins plugins = start(store, "2.0.0")) {
      store.install(
          PluginTestBundles.templateJobType(tmp, "python3", "3.0.0"), true, plugins.builtIns());
      plugins.reloadNow();

      assertThat(plugins.jobTypeKeys()).containsExactly("python3:3.0.0");
      assertThat(plugins.jobType("python3:latest")).isInstanceOf(TemplateJobType.class);
      assertThat(store.installed())
          .extracting(PluginManifest::id)
          .containsExactlyInAnyOrder("local-2.0.0", "python3-3.0.0");
    }
  }

  @Test
  void install_laterPlatformVersion_updatesTheBuiltInsBundlesOnly() {
    PluginStore store = store();
    start(store, "2.0.0").close();
    store.install(PluginTestBundles.templateJobType(tmp, "shell", "1.0.0"), false);

    try (Plugins plugins = start(store, "2.1.0")) {
      assertThat(store.installed())
          .extracting(PluginManifest::id)
          .containsExactly("local-2.1.0", "python3-2.1.0", "shell-1.0.0");
      assertThat(plugins.jobTypeKeys()).containsExactly("python3:1.0.0", "shell:1.0.0");
    }
  }

  @Test
  void watch_directoryWithoutTheRecord_runsEveryBuiltInAsBefore() {
    PluginStore store = store();
    try (Plugins plugins = platform()) {
      plugins.watch(store, Set.of("image-builder"), Duration.ofMinutes(1));

      assertThat(BuiltInBundles.managed(store)).isFalse();
      assertThat(plugins.jobTypeKeys()).containsExactly("python3:1.0.0");
      assertThat(plugins.infrastructures()).containsOnlyKeys("local");
    }
  }

  @Test
  void upload_markerNamingAnUnknownBuiltIn_isRefusedNamingIt() {
    PluginStore store = store();
    Path zip =
        PluginBundleFixture.plugin(tmp, "golang", "1.0.0", "category: job-type\n")
            .file(BuiltIns.FILE, "job_type: golang\n")
            .zip("golang.zip");

    assertThatThrownBy(() -> store.install(zip, false, platform().builtIns()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("enables the built-in job type 'golang'")
        .hasMessageContaining("built in: [python3]");
    assertThat(store.installed()).isEmpty();
  }
}
