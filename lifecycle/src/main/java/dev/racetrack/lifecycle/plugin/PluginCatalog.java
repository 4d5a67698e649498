package dev.racetrack.lifecycle.plugin;

import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LoadedPlugin;
import dev.racetrack.spi.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the plugins provide, as the read-only endpoints of §3.9 show it: the plugin list, the
 * infrastructure targets with the manifest of the plugin each comes from, and the tree of plugins
 * with the number of jobs using each of their job types and targets.
 *
 * <p>A job type or target the platform runs from its class path without a bundle (a plugins
 * directory that does not manage the built-ins) is shown as a plugin of its own with {@code
 * built_in: true}: the job type's name and version, or the target's name and the platform's
 * version.
 */
public final class PluginCatalog {
  private final PluginLibrary library;
  private final Plugins plugins;
  private final PluginUsageRepository usage;
  private final String platformVersion;

  public PluginCatalog(
      PluginLibrary library, Plugins plugins, PluginUsageRepository usage, String platformVersion) {
    this.library = Objects.requireNonNull(library, "library");
    this.plugins = Objects.requireNonNull(plugins, "plugins");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.platformVersion = Objects.requireNonNull(platformVersion, "platformVersion");
  }

  /** The plugins: built-ins without a bundle, then the installed bundles (§8.2 fields). */
  public List<Map<String, Object>> plugins() {
    List<Map<String, Object>> all = new ArrayList<>();
    for (JobType jobType : plugins.jobTypes()) {
      if (plugins.jobTypeOwner(jobType.key()).isEmpty()) {
        all.add(jobTypeOrigin(jobType.key()));
      }
    }
    for (String target : plugins.infrastructures().keySet()) {
      if (plugins.infrastructureOwner(target).isEmpty()) {
        all.add(targetOrigin(target));
      }
    }
    all.addAll(library.bundles());
    return all;
  }

  /** Job type keys ({@code name:version}) installed now, sorted. */
  public List<String> jobTypeKeys() {
    return plugins.jobTypeKeys();
  }

  /** {@code {target name: manifest of the plugin it comes from}}, by target name. */
  public Map<String, Map<String, Object>> infrastructureTargets() {
    Map<String, Map<String, Object>> targets = new TreeMap<>();
    for (String target : plugins.infrastructures().keySet()) {
      targets.put(target, targetOrigin(target));
    }
    return targets;
  }

  /**
   * {@code {plugins, job_type_plugins_data: [{name, version, job_types: [{name, active_jobs}]}],
   * infrastructure_plugins_data: [{name, version, infrastructures: [{name, active_jobs}]}]}}, each
   * list sorted by plugin name and version; a job type is named by its key ({@code python3:1.0.0}),
   * and its jobs are those registered with that key.
   */
  public Map<String, Object> tree() {
    Map<String, Integer> jobsByJobType = usage.jobsByJobType();
    Map<String, Integer> jobsByTarget = usage.jobsByInfrastructureTarget();
    Map<List<String>, List<Map<String, Object>>> jobTypes = new TreeMap<>(BY_NAME_VERSION);
    for (String key : plugins.jobTypeKeys()) {
      Map<String, Object> origin = jobTypeOrigin(key);
      jobTypes
          .computeIfAbsent(nameVersion(origin), k -> new ArrayList<>())
          .add(usageEntry(key, jobsByJobType));
    }
    Map<List<String>, List<Map<String, Object>>> targets = new TreeMap<>(BY_NAME_VERSION);
    for (String target : plugins.infrastructures().keySet()) {
      targets
          .computeIfAbsent(nameVersion(targetOrigin(target)), k -> new ArrayList<>())
          .add(usageEntry(target, jobsByTarget));
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("plugins", plugins());
    tree.put("job_type_plugins_data", pluginData(jobTypes, "job_types"));
    tree.put("infrastructure_plugins_data", pluginData(targets, "infrastructures"));
    return tree;
  }

  private static final Comparator<List<String>> BY_NAME_VERSION =
      Comparator.<List<String>, String>comparing(List::getFirst)
          .thenComparing(l -> l.get(1), dev.racetrack.model.version.SemVer::compareText);

  private static List<String> nameVersion(Map<String, Object> manifest) {
    return List.of(String.valueOf(manifest.get("name")), String.valueOf(manifest.get("version")));
  }

  private static Map<String, Object> usageEntry(String name, Map<String, Integer> counts) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", name);
    entry.put("active_jobs", counts.getOrDefault(name, 0));
    return entry;
  }

  private static List<Map<String, Object>> pluginData(
      Map<List<String>, List<Map<String, Object>>> grouped, String listName) {
    List<Map<String, Object>> data = new ArrayList<>();
    grouped.forEach(
        (nameVersion, entries) -> {
          Map<String, Object> plugin = new LinkedHashMap<>();
          plugin.put("name", nameVersion.getFirst());
          plugin.put("version", nameVersion.get(1));
          plugin.put(listName, entries);
          data.add(plugin);
        });
    return data;
  }

  private Map<String, Object> jobTypeOrigin(String key) {
    return plugins
        .jobTypeOwner(key)
        .map(PluginCatalog::bundleView)
        .orElseGet(
            () -> {
              JobType jobType = plugins.jobType(key);
              return builtInView(jobType.name(), jobType.version(), "job-type");
            });
  }

  private Map<String, Object> targetOrigin(String target) {
    return plugins
        .infrastructureOwner(target)
        .map(PluginCatalog::bundleView)
        .orElseGet(() -> builtInView(target, platformVersion, "infrastructure"));
  }

  private static Map<String, Object> bundleView(LoadedPlugin plugin) {
    return PluginLibrary.view(plugin);
  }

  private static Map<String, Object> builtInView(String name, String version, String category) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", name);
    view.put("version", version);
    view.put("build_date", null);
    view.put("url", null);
    view.put("priority", 0);
    view.put("category", category);
    view.put("components", List.of());
    view.put("built_in", true);
    return view;
  }
}
