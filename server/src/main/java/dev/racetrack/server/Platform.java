package dev.racetrack.server;

import dev.racetrack.dashboard.DashboardApp;
import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.imagebuilder.ImageBuilderApp;
import dev.racetrack.imagebuilder.ImageBuilderConfig;
import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.pub.PubConfig;
import dev.racetrack.pub.PubServer;
import dev.racetrack.pub.async.AsyncConfig;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.tls.TlsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one JVM (the embedded default): lifecycle with its supervisor loop, the
 * image builder, PUB and the dashboard. They talk to each other over HTTP exactly as separate
 * processes do.
 */
public final class Platform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final List<AutoCloseable> components = new ArrayList<>();
  private final LifecycleConfig lifecycleConfig;
  private final int lifecyclePort;
  private final int pubPort;
  private final int imageBuilderPort;
  private final int dashboardPort;
  private final String scheme;
  private final String dashboardUrl;
  private final Optional<String> generatedAdminPassword;

  private Platform(Map<String, String> environment, Plugins plugins) {
    Map<String, String> env = new HashMap<>(environment);
    EnvReader reader = new EnvReader(env);
    String internalToken = internalToken(env);
    String version = LifecycleConfig.platformVersion();
    try {
      lifecycleConfig =
          LifecycleConfig.fromEnv(
              env, LifecycleConfig.resolveAuthKey(env, reader.dataDir()), internalToken);
      LifecycleApp lifecycle =
          LifecycleApp.start(lifecycleConfig, plugins, Clock.systemUTC(), true);
      components.add(lifecycle);
      lifecyclePort = lifecycle.port();
      generatedAdminPassword = lifecycle.generatedAdminPassword();
      // the lifecycle watches the plugins directory; in one JVM the image builder shares the set
      plugins.watch(
          new PluginStore(
              PluginStore.directory(env, reader.dataDir()),
              PluginBundle.Limits.standard(),
              Clock.systemUTC()),
          Set.of("image-builder"),
          Duration.ofSeconds(1));
      // one JVM, one health port: lifecycle's (the other components share its process)
      Map<String, String> others = new HashMap<>(env);
      others.remove("HEALTH_PORT");
      scheme = TlsConfig.fromEnv(env).scheme();
      ImageBuilderApp builder =
          ImageBuilderApp.start(
              ImageBuilderConfig.fromEnv(others, internalToken),
              plugins,
              Clock.systemUTC(),
              version);
      Duration drain = PubConfig.shutdownDrain(env);
      components.add(() -> builder.close(drain)); // builds in flight may finish
      imageBuilderPort = builder.port();
      PubServer pub =
          PubServer.start(
              PubConfig.fromEnv(others, internalToken, lifecycleConfig.jobCallKey()),
              AsyncConfig.fromEnv(env),
              Clock.systemUTC(),
              version);
      components.add(() -> pub.close(drain)); // first: no new calls, the ones in flight finish
      pubPort = pub.port();
      Map<String, String> dashboardEnv = new HashMap<>(others);
      dashboardEnv.putIfAbsent("LIFECYCLE_URL", scheme + "://127.0.0.1:" + lifecyclePort);
      dashboardEnv.putIfAbsent("PUB_PORT", Integer.toString(pubPort));
      DashboardConfig dashboardConfig = DashboardConfig.fromEnv(dashboardEnv);
      DashboardApp dashboard = DashboardApp.start(dashboardConfig, Clock.systemUTC());
      components.add(dashboard);
      dashboardPort = dashboard.port();
      dashboardUrl = scheme + "://" + dashboardConfig.host() + ":" + dashboardPort + "/dashboard";
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts every component with the plugins on the class path. */
  public static Platform start(Map<String, String> env) {
    return new Platform(env, Plugins.discover());
  }

  /** Starts every component with the given plugins. */
  public static Platform start(Map<String, String> env, Plugins plugins) {
    return new Platform(env, plugins);
  }

  /**
   * {@code INTERNAL_TOKEN}, or the token generated at the first start and kept in the data
   * directory ({@code keys/internal_token}, written with fsync and rename, mode 600, as {@code
   * keys/auth_key}), so that it survives restarts and the admin commands run on this machine
   * present the same one.
   */
  static String internalToken(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    return reader
        .optional("INTERNAL_TOKEN")
        .orElseGet(
            () ->
                SecretBox.readOrCreateKey(LifecycleConfig.internalTokenFile(reader.dataDir()), 32));
  }

  public LifecycleConfig lifecycleConfig() {
    return lifecycleConfig;
  }

  public int lifecyclePort() {
    return lifecyclePort;
  }

  public int pubPort() {
    return pubPort;
  }

  public int imageBuilderPort() {
    return imageBuilderPort;
  }

  public int dashboardPort() {
    return dashboardPort;
  }

  /** {@code http} or {@code https}: how lifecycle and the dashboard are served. */
  public String scheme() {
    return scheme;
  }

  /** The dashboard's address on this machine ({@code DASHBOARD_HOST}, its port, /dashboard). */
  public String dashboardUrl() {
    return dashboardUrl;
  }

  public Optional<String> generatedAdminPassword() {
    return generatedAdminPassword;
  }

  /**
   * Stops the components in reverse order, jobs keep running: PUB first (it stops accepting and
   * lets calls in flight finish for up to {@code SHUTDOWN_DRAIN_SECONDS}), then the image builder
   * (it takes no new build and lets the ones in flight finish, up to the same limit), then
   * lifecycle (deployments in progress are marked failed) and its embedded PostgreSQL last.
   */
  @Override
  public void close() {
    for (AutoCloseable component : components.reversed()) {
      try {
        component.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
    components.clear();
  }
}
