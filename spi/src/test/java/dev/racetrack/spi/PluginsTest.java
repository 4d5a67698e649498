package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {
  private static final JobChange CHANGE =
      new JobChange(
          "adder", "1.0.0", "admin", Optional.of("local"), Optional.empty(), Optional.empty());

  @TempDir Path tmp;

  private PluginStore store() {
    return new PluginStore(
        tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
  }

  private LoadedPlugin loadOnly(PluginStore store) {
    return store.load(Set.of("lifecycle"), getClass().getClassLoader()).getFirst();
  }

  @Test
  void watch_otherProcessInstallsAndUninstalls_seenWithinFiveSeconds() {
    PluginStore writer = store();
    try (Plugins lifecycle = new Plugins(List.of(), List.of());
        Plugins imageBuilder = new Plugins(List.of(), List.of())) {
      lifecycle.watch(store(), Set.of("lifecycle"), Duration.ofMillis(200));
      imageBuilder.watch(store(), Set.of("image-builder"), Duration.ofMillis(200));
      assertThat(lifecycle.jobTypeKeys()).isEmpty();

      writer.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> lifecycle.jobTypeKeys().contains("shell-http:1.0.0"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> imageBuilder.jobTypeKeys().contains("shell-http:1.0.0"));

      writer.uninstall("shell-http", "1.0.0");

      await().atMost(Duration.ofSeconds(5)).until(() -> lifecycle.jobTypeKeys().isEmpty());
      await().atMost(Duration.ofSeconds(5)).until(() -> imageBuilder.jobTypeKeys().isEmpty());
    }
  }

  @Test
  void jobType_twoVersionsSideBySide_resolvesLatestWildcardAndExact() {
    PluginStore store = store();
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.2.0"), false);
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "2.0.0"), false);
    try (Plugins plugins = new Plugins(List.of(), List.of())) {
      plugins.replace(store.load(Set.of("lifecycle"), getClass().getClassLoader()));

      assertThat(plugins.jobTypeKeys()).containsExactly("shell-http:1.2.0", "shell-http:2.0.0");
      assertThat(plugins.jobType("shell-http:latest").version()).isEqualTo("2.0.0");
      assertThat(plugins.jobType("shell-http:1.x").version()).isEqualTo("1.2.0");
      assertThat(plugins.jobType("shell-http:1.*").version()).isEqualTo("1.2.0");
      assertThat(plugins.jobType("shell-http:2.0.0").version()).isEqualTo("2.0.0");
      assertThat(plugins.jobTypeOwner("shell-http:1.2.0"))
          .map(p -> p.manifest().id())
          .hasValue("shell-http-1.2.0");
      assertThatThrownBy(() -> plugins.jobType("shell-http:3.x"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("installed versions: [1.2.0, 2.0.0]");
    }
  }

  @Test
  void classLoader_exposesOnlySpiAndModelOfThePlatform() {
    PluginStore store = store();
    store.install(
        PluginBundleFixture.plugin(tmp, "peek", "1.0.0", "")
            .javaClass(
                "test.Peek",
                """
                package test;
                import dev.racetrack.spi.*;
                import java.util.*;
                public class Peek implements PluginHook {
                  @Override public Object runAction(Map<String, Object> args) {
                    try {
                      Class.forName((String) args.get("class"), false, getClass().getClassLoader());
                      return "visible";
                    } catch (ClassNotFoundException e) {
                      return "hidden";
                    }
                  }
                }
                """)
            .service("dev.racetrack.spi.PluginHook", "test.Peek")
            .zip("peek.zip"),
        false);
    try (LoadedPlugin plugin = loadOnly(store)) {
      PluginHook hook = plugin.hooks().getFirst();

      assertThat(hook.runAction(java.util.Map.of("class", "dev.racetrack.spi.JobType")))
          .isEqualTo("visible");
      assertThat(hook.runAction(java.util.Map.of("class", "dev.racetrack.model.Json")))
          .isEqualTo("visible");
      assertThat(hook.runAction(java.util.Map.of("class", "java.net.http.HttpClient")))
          .isEqualTo("visible");
      assertThat(hook.runAction(java.util.Map.of("class", "org.slf4j.Logger"))).isEqualTo("hidden");
      assertThat(hook.runAction(java.util.Map.of("class", "dev.racetrack.testsupport.FreePort")))
          .isEqualTo("hidden");
      assertThat(hook.runAction(java.util.Map.of("class", "org.junit.jupiter.api.Test")))
          .isEqualTo("hidden");
    }
  }

  @Test
  void calls_hookThrows_errorNamesPluginAndHook() {
    PluginStore store = store();
    store.install(
        PluginTestBundles.javaHook(tmp, "thrower", "throw new IllegalStateException(\"boom\");"),
        false);
    try (LoadedPlugin plugin = loadOnly(store)) {
      PluginCalls calls = new PluginCalls(Duration.ofSeconds(5));

      assertThatThrownBy(
              () ->
                  calls.run(
                      plugin, "after deploy", () -> plugin.hooks().getFirst().afterDeploy(CHANGE)))
          .isInstanceOf(PluginException.class)
          .hasMessage("plugin thrower-1.0.0 failed in after deploy: boom");
    }
  }

  @Test
  void calls_hookHangs_timesOutNamingPlugin() {
    PluginStore store = store();
    store.install(
        PluginTestBundles.javaHook(
            tmp, "sleeper", "try { Thread.sleep(60_000); } catch (InterruptedException e) { }"),
        false);
    try (LoadedPlugin plugin = loadOnly(store)) {
      PluginCalls calls = new PluginCalls(Duration.ofMillis(300));
      long start = System.nanoTime();

      assertThatThrownBy(
              () ->
                  calls.run(
                      plugin, "after deploy", () -> plugin.hooks().getFirst().afterDeploy(CHANGE)))
          .isInstanceOf(PluginException.class)
          .hasMessageContaining("plugin sleeper-1.0.0: after deploy did not finish within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /**
   * A plugin's constructors and static initializers run its code like its hooks do: one that hangs
   * is given up after the load time limit (10 s) and the install is refused naming it, instead of
   * holding the install (and every later one) for good.
   */
  @Test
  void install_pluginWhoseStaticInitializerHangs_isRefusedNamingIt() {
    PluginStore store = store();
    Path bundle =
        PluginBundleFixture.plugin(tmp, "stuck", "1.0.0", "category: core\n")
            .javaClass(
                "test.Hook",
                """
                package test;
                import dev.racetrack.spi.*;
                public class Hook implements PluginHook {
                  static {
                    try { Thread.sleep(600_000); } catch (InterruptedException e) { }
                  }
                }
                """)
            .service("dev.racetrack.spi.PluginHook", "test.Hook")
            .zip("stuck.zip");
    long start = System.nanoTime();

    assertThatThrownBy(() -> store.install(bundle, false))
        .hasMessageContaining("plugin stuck-1.0.0")
        .hasMessageContaining(
            "creating its services (constructors and static initializers) did not finish within"
                + " 10000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(store.installed()).isEmpty();
  }

  @Test
  void load_malformedPlugin_isListedWithErrorAndOthersStillLoad() throws Exception {
    PluginStore store = store();
    store.install(PluginTestBundles.templateJobType(tmp, "shell-http", "1.0.0"), false);
    store.install(PluginTestBundles.javaHook(tmp, "soon-broken", "{}"), false);
    // the jar is damaged after install (a broken volume, a bad hand edit)
    java.nio.file.Files.writeString(
        store.extractedDir(store.get("soon-broken", "1.0.0")).resolve("lib/plugin.jar"), "garbage");
    try (Plugins plugins = new Plugins(List.of(), List.of())) {
      plugins.replace(store.load(Set.of("lifecycle"), getClass().getClassLoader()));

      assertThat(plugins.jobTypeKeys()).containsExactly("shell-http:1.0.0");
      assertThat(plugins.bundles())
          .filteredOn(p -> p.manifest().name().equals("soon-broken"))
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.error())
                      .hasValueSatisfying(e -> assertThat(e).contains("soon-broken-1.0.0")));
    }
  }
}
