package dev.racetrack.lifecycle.plugin;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.LoadedPlugin;
import dev.racetrack.spi.PluginCalls;
import dev.racetrack.spi.PluginException;
import dev.racetrack.spi.PluginHook;
import dev.racetrack.spi.PluginManifest;
import dev.racetrack.spi.PluginSetup;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, removes and configures plugin bundles (staff only, audited as {@code plugin_installed}
 * and {@code plugin_uninstalled}), and answers what is installed. Every change is visible to the
 * other components through the plugins directory; this process reloads at once.
 */
public final class PluginLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLibrary.class);

  /** What the library needs. */
  public record Parts(
      PluginStore store,
      Plugins plugins,
      PluginCalls calls,
      Jdbi jdbi,
      AuditLog audit,
      Authorizer authorizer) {}

  private final Parts p;

  public PluginLibrary(Parts parts) {
    this.p = parts;
  }

  /** The installed bundles as the API lists them (§8.2 fields plus {@code error} if broken). */
  public List<Map<String, Object>> bundles() {
    List<Map<String, Object>> list = new ArrayList<>();
    Map<String, LoadedPlugin> loaded = new LinkedHashMap<>();
    p.plugins().bundles().forEach(b -> loaded.put(b.manifest().id(), b));
    for (PluginManifest manifest : p.store().installed()) {
      Optional<LoadedPlugin> plugin = Optional.ofNullable(loaded.get(manifest.id()));
      Map<String, Object> view = plugin.map(PluginLibrary::view).orElseGet(() -> view(manifest));
      plugin.flatMap(LoadedPlugin::error).ifPresent(e -> view.put("error", e));
      list.add(view);
    }
    return list;
  }

  /**
   * A loaded bundle as the API shows it: its manifest, and {@code built_in: true} for the bundle of
   * a built-in job type or target.
   */
  static Map<String, Object> view(LoadedPlugin plugin) {
    Map<String, Object> view = view(plugin.manifest());
    if (plugin.builtIn()) {
      view.put("built_in", true);
    }
    return view;
  }

  static Map<String, Object> view(PluginManifest manifest) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", manifest.name());
    view.put("version", manifest.version());
    view.put("build_date", manifest.buildDate().orElse(null));
    view.put("url", manifest.url().orElse(null));
    view.put("priority", manifest.priority());
    view.put("category", manifest.category().orElse(null));
    view.put("components", manifest.components());
    return view;
  }

  /** Installs an uploaded ZIP; nothing is installed if it is not valid. */
  public PluginManifest install(Caller caller, Path upload, boolean replace) {
    p.authorizer().requireStaff(caller);
    List<PluginManifest> before = p.store().installed();
    PluginManifest manifest = p.store().install(upload, replace, p.plugins().builtIns());
    p.plugins().reloadNow();
    for (PluginManifest old : before) {
      boolean gone = p.store().installed().stream().noneMatch(m -> m.id().equals(old.id()));
      if (gone) {
        audit(caller, AuditLog.PLUGIN_UNINSTALLED, old);
      }
    }
    audit(caller, AuditLog.PLUGIN_INSTALLED, manifest);
    LOG.info("plugin {} installed by {}", manifest.id(), caller.username());
    return manifest;
  }

  /** Removes one installed version. */
  public PluginManifest uninstall(Caller caller, String name, String version) {
    p.authorizer().requireStaff(caller);
    PluginManifest manifest = p.store().uninstall(name, version);
    p.plugins().reloadNow();
    audit(caller, AuditLog.PLUGIN_UNINSTALLED, manifest);
    LOG.info("plugin {} uninstalled by {}", manifest.id(), caller.username());
    return manifest;
  }

  /** Removes every bundle (clean-up of a broken state). */
  public List<PluginManifest> uninstallAll(Caller caller) {
    p.authorizer().requireStaff(caller);
    List<PluginManifest> removed = p.store().uninstallAll();
    p.plugins().reloadNow();
    removed.forEach(m -> audit(caller, AuditLog.PLUGIN_UNINSTALLED, m));
    return removed;
  }

  public String config(Caller caller, String name, String version) {
    p.authorizer().requireStaff(caller);
    return p.store().config(name, version);
  }

  /**
   * Replaces a plugin's configuration once the text is a YAML mapping and the plugin accepts it.
   *
   * @throws ValidationException naming the plugin and what it refused
   */
  public void writeConfig(Caller caller, String name, String version, String yaml) {
    p.authorizer().requireStaff(caller);
    PluginManifest manifest = p.store().get(name, version);
    PluginSetup.parseConfig(yaml);
    Optional<LoadedPlugin> loaded = loaded(name, version);
    for (PluginHook hook : loaded.map(LoadedPlugin::hooks).orElse(List.of())) {
      try {
        p.calls().run(loaded.get(), "config validation", () -> hook.validateConfig(yaml));
      } catch (PluginException e) {
        throw new ValidationException(
            "plugin "
                + manifest.id()
                + " refused the configuration: "
                + PluginHooks.rootMessage(e));
      }
    }
    p.store().writeConfig(name, version, yaml);
    p.plugins().reloadNow();
    LOG.info("configuration of plugin {} changed by {}", manifest.id(), caller.username());
  }

  /** The stored ZIP of a plugin (staff only). */
  public Path download(Caller caller, String name, String version) {
    p.authorizer().requireStaff(caller);
    return p.store().bundle(name, version);
  }

  /** Refuses a caller who is not staff (reading the plugin list and tree). */
  public void requireStaff(Caller caller) {
    p.authorizer().requireStaff(caller);
  }

  /** Markdown docs of the newest loaded version of a plugin, if it has any. */
  public Optional<String> docs(String name) {
    LoadedPlugin plugin = newest(name);
    for (PluginHook hook : plugin.hooks()) {
      Optional<String> docs = p.calls().call(plugin, "markdown docs", hook::markdownDocs);
      if (docs.isPresent()) {
        return docs;
      }
    }
    return Optional.empty();
  }

  /** Runs the admin action of the newest loaded version of a plugin. */
  public Object run(Caller caller, String name, Map<String, Object> arguments) {
    p.authorizer().requireStaff(caller);
    LoadedPlugin plugin = newest(name);
    if (plugin.hooks().isEmpty()) {
      throw new ValidationException("plugin " + plugin.manifest().id() + " has no admin action");
    }
    PluginHook hook = plugin.hooks().getFirst();
    LOG.info("admin action of plugin {} run by {}", plugin.manifest().id(), caller.username());
    return p.calls().call(plugin, "admin action", () -> hook.runAction(Map.copyOf(arguments)));
  }

  private LoadedPlugin newest(String name) {
    return p.plugins().bundles().stream()
        .filter(b -> b.manifest().name().equals(name))
        .max(
            Comparator.comparing(
                b -> b.manifest().version(), dev.racetrack.model.version.SemVer::compareText))
        .orElseThrow(() -> new NotFoundException("plugin " + name + " is not installed"));
  }

  private Optional<LoadedPlugin> loaded(String name, String version) {
    return p.plugins().bundles().stream()
        .filter(b -> b.manifest().name().equals(name) && b.manifest().version().equals(version))
        .findFirst();
  }

  private void audit(Caller caller, String type, PluginManifest manifest) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("plugin_name", manifest.name());
    properties.put("plugin_version", manifest.version());
    manifest.category().ifPresent(c -> properties.put("plugin_category", c));
    p.jdbi()
        .useHandle(
            h ->
                p.audit()
                    .record(
                        h,
                        type,
                        caller.username(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        properties));
  }
}
