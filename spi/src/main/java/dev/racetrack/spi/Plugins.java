package dev.racetrack.spi;

import dev.racetrack.model.version.JobTypeVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job types, infrastructure plugins and hooks the platform runs with: the built-in ones found
 * on the class path, plus the plugin bundles installed in the plugins directory ({@link
 * PluginStore}), which are reloaded while the platform runs ({@link #watch}). Thread-safe: readers
 * see one consistent set of installed bundles.
 */
public final class Plugins implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  /** Where a job type comes from, for listings. */
  public record Source(String pluginName, String pluginVersion, boolean builtIn) {}

  private final Map<String, JobType> builtInJobTypes;
  private final Map<String, InfrastructurePlugin> builtInInfrastructures;
  private final BuiltIns builtIns;
  private volatile Installed installed = Installed.NONE;
  private PluginWatcher watcher;

  /** The bundles loaded now and what they provide, merged with the built-in ones. */
  private record Installed(
      List<LoadedPlugin> plugins,
      Map<String, JobType> jobTypes,
      Map<String, LoadedPlugin> jobTypeOwners,
      Map<String, InfrastructurePlugin> infrastructures,
      Map<String, LoadedPlugin> infrastructureOwners) {
    static final Installed NONE = new Installed(List.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  public Plugins(List<JobType> jobTypes, List<InfrastructurePlugin> infrastructures) {
    this.builtInJobTypes = index(jobTypes, JobType::key, "job type");
    this.builtInInfrastructures =
        index(infrastructures, InfrastructurePlugin::name, "infrastructure target");
    this.builtIns = BuiltIns.of(builtInJobTypes.values(), builtInInfrastructures.values());
    this.installed = merge(List.of(), false);
  }

  /** Plugins found with {@link ServiceLoader} on the class path. */
  public static Plugins discover() {
    ClassLoader loader = Plugins.class.getClassLoader();
    return new Plugins(
        ServiceLoader.load(JobType.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(InfrastructurePlugin.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  private static <T> Map<String, T> index(List<T> items, Function<T, String> key, String what) {
    Map<String, List<T>> byKey =
        items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.toList()));
    byKey.forEach(
        (k, list) -> {
          if (list.size() > 1) {
            throw new IllegalStateException("two plugins provide the " + what + " " + k);
          }
        });
    return byKey.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().getFirst(), (a, b) -> a, TreeMap::new));
  }

  /**
   * Loads the bundles of {@code store} now and reloads them whenever {@code last-change.txt}
   * changes (polled every {@code interval}). Watching again adds the components (in one JVM every
   * component shares this set) and reloads.
   *
   * @param components the components whose plugins to load ({@code lifecycle}, ...)
   */
  public synchronized void watch(PluginStore store, Set<String> components, Duration interval) {
    if (watcher != null) {
      watcher.addComponents(components);
      return;
    }
    watcher = new PluginWatcher(store, components, builtIns, this::replace, interval);
    watcher.start();
  }

  /** Reloads the watched plugins directory now if it changed (after this process changed it). */
  public void reloadNow() {
    PluginWatcher current;
    synchronized (this) {
      current = watcher;
    }
    if (current != null) {
      current.reloadIfChanged();
    }
  }

  /** The job types and targets on the class path (installable as built-ins' bundles). */
  public BuiltIns builtIns() {
    return builtIns;
  }

  /**
   * Replaces the installed bundles (closing the previous ones' class loaders); the built-ins run
   * besides them.
   */
  public void replace(List<LoadedPlugin> plugins) {
    replace(plugins, false);
  }

  /**
   * Replaces the installed bundles.
   *
   * @param builtInsFromBundles the plugins directory manages the built-ins: only those whose bundle
   *     is among {@code plugins} run
   */
  void replace(List<LoadedPlugin> plugins, boolean builtInsFromBundles) {
    Installed previous;
    synchronized (this) {
      previous = installed;
      installed = merge(plugins, builtInsFromBundles);
    }
    for (LoadedPlugin plugin : previous.plugins()) {
      if (!plugins.contains(plugin)) {
        plugin.close();
      }
    }
  }

  private Installed merge(List<LoadedPlugin> plugins, boolean builtInsFromBundles) {
    Map<String, JobType> jobTypes =
        builtInsFromBundles ? new TreeMap<>() : new TreeMap<>(builtInJobTypes);
    Map<String, LoadedPlugin> owners = new LinkedHashMap<>();
    Map<String, InfrastructurePlugin> infrastructures =
        builtInsFromBundles ? new TreeMap<>() : new TreeMap<>(builtInInfrastructures);
    Map<String, LoadedPlugin> infrastructureOwners = new LinkedHashMap<>();
    for (LoadedPlugin plugin : plugins) {
      plugin.error().ifPresent(e -> LOG.warn("{}", e));
      for (JobType jobType : plugin.jobTypes()) {
        if (jobTypes.putIfAbsent(jobType.key(), jobType) == null) {
          owners.put(jobType.key(), plugin);
        } else {
          LOG.warn(
              "plugin {}: job type {} is already provided; ignored",
              plugin.manifest().id(),
              jobType.key());
        }
      }
      for (InfrastructurePlugin infrastructure : plugin.infrastructures()) {
        if (infrastructures.putIfAbsent(infrastructure.name(), infrastructure) == null) {
          infrastructureOwners.put(infrastructure.name(), plugin);
        } else {
          LOG.warn(
              "plugin {}: infrastructure target {} is already provided; ignored",
              plugin.manifest().id(),
              infrastructure.name());
        }
      }
    }
    return new Installed(
        List.copyOf(plugins),
        Map.copyOf(jobTypes),
        Map.copyOf(owners),
        Map.copyOf(infrastructures),
        Map.copyOf(infrastructureOwners));
  }

  /** The installed job types, each version on its own, sorted by key. */
  public List<JobType> jobTypes() {
    return List.copyOf(new TreeMap<>(installed.jobTypes()).values());
  }

  /** Installed job type keys {@code name:version}, sorted. */
  public List<String> jobTypeKeys() {
    return List.copyOf(new TreeMap<>(installed.jobTypes()).keySet());
  }

  /**
   * The job type a manifest's {@code jobtype} selects ({@code latest} and wildcards allowed).
   *
   * @throws dev.racetrack.model.error.ValidationException when none matches
   */
  public JobType jobType(String requested) {
    Map<String, JobType> all = installed.jobTypes();
    return all.get(JobTypeVersions.resolve(requested, all.keySet()));
  }

  /** The plugin bundle a job type comes from (none for a built-in one). */
  public java.util.Optional<LoadedPlugin> jobTypeOwner(String key) {
    return java.util.Optional.ofNullable(installed.jobTypeOwners().get(key));
  }

  /** The plugin bundle an infrastructure target comes from (none for a built-in one). */
  public java.util.Optional<LoadedPlugin> infrastructureOwner(String name) {
    return java.util.Optional.ofNullable(installed.infrastructureOwners().get(name));
  }

  /** Infrastructure plugins by target name (built-in and from bundles). */
  public Map<String, InfrastructurePlugin> infrastructures() {
    return new TreeMap<>(installed.infrastructures());
  }

  /** The plugin bundles loaded now (including those that failed to load, with their error). */
  public List<LoadedPlugin> bundles() {
    return installed.plugins();
  }

  /** Stops watching and releases the bundles' class loaders. */
  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    List<LoadedPlugin> plugins = new ArrayList<>(installed.plugins());
    installed = merge(List.of(), false);
    plugins.forEach(LoadedPlugin::close);
  }

  @Override
  public String toString() {
    return "Plugins" + Objects.toString(jobTypeKeys());
  }
}
