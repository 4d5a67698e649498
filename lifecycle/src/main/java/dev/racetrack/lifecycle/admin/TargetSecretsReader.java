package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.backup.BackupException;
import dev.racetrack.lifecycle.backup.BackupManifest;
import dev.racetrack.lifecycle.backup.TargetSecrets;
import dev.racetrack.lifecycle.infra.OutsideSecrets;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The backup's reader of the job secrets kept outside the data directory: it loads the plugins
 * lifecycle runs (class path and plugins directory) and creates only the targets whose plugin keeps
 * secrets outside ({@link InfrastructurePlugin#keepsSecretsOutsideDataDir}), on their first job.
 */
final class TargetSecretsReader implements TargetSecrets, AutoCloseable {
  private final LifecycleConfig config;
  private final Plugins plugins;
  private final SecretBox box;
  private final HttpClient http;
  private final Map<String, Optional<InfrastructureTarget>> targets = new HashMap<>();

  TargetSecretsReader(LifecycleConfig config, Plugins plugins, HttpClient http) {
    this.config = config;
    this.plugins = plugins;
    this.box = LifecycleApp.secretBox(config);
    this.http = http;
  }

  /**
   * The plugins of {@code config}'s platform: the class path's ({@code onClassPath}) and the
   * plugins directory's.
   */
  static Plugins plugins(LifecycleConfig config, Plugins onClassPath) {
    Plugins plugins = onClassPath;
    long max = config.maxBuildContextBytes() * 2;
    plugins.watch(
        new PluginStore(
            PluginStore.directory(config.env(), config.dataDir()),
            new PluginBundle.Limits(max, max * 4, 10_000),
            Clock.systemUTC()),
        Set.of("lifecycle"),
        Duration.ofHours(1));
    return plugins;
  }

  @Override
  public Optional<SealedFile> export(BackupManifest.JobImage job) {
    if (job.target() == null) {
      return Optional.empty();
    }
    Optional<InfrastructureTarget> target = targets.computeIfAbsent(job.target(), this::create);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    try {
      return OutsideSecrets.seal(target.get(), box, job.name(), job.version())
          .map(
              content ->
                  new SealedFile(
                      OutsideSecrets.path(job.target(), job.name(), job.version()), content));
    } catch (RuntimeException e) {
      throw new BackupException(
          "cannot read the secrets of job "
              + job.name()
              + " v"
              + job.version()
              + " from infrastructure target "
              + job.target()
              + ": "
              + e.getMessage()
              + "; no backup was written",
          e);
    }
  }

  private Optional<InfrastructureTarget> create(String name) {
    InfrastructurePlugin plugin = plugins.infrastructures().get(name);
    if (plugin == null || !plugin.keepsSecretsOutsideDataDir()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LifecycleApp.createTarget(plugin, config, box, Clock.systemUTC(), http));
    } catch (RuntimeException e) {
      throw new BackupException(
          "cannot connect to infrastructure target "
              + name
              + " to read its job secrets: "
              + e.getMessage()
              + "; no backup was written",
          e);
    }
  }

  @Override
  public void close() {
    targets.values().forEach(t -> t.ifPresent(InfrastructureTarget::close));
    plugins.close();
  }
}
