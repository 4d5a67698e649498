package dev.racetrack.lifecycle.plugin;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobChange;
import dev.racetrack.spi.LoadedPlugin;
import dev.racetrack.spi.PluginCalls;
import dev.racetrack.spi.PluginException;
import dev.racetrack.spi.PluginHook;
import dev.racetrack.spi.Plugins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the hooks of the installed plugin bundles, in their priority order, each in isolation
 * ({@link PluginCalls}): a plugin that throws or hangs is reported by name and the others still
 * run.
 */
public final class PluginHooks {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHooks.class);

  private final Plugins plugins;
  private final PluginCalls calls;

  public PluginHooks(Plugins plugins, PluginCalls calls) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
    this.calls = Objects.requireNonNull(calls, "calls");
  }

  /** Hooks of no plugin (tests). */
  public static PluginHooks none() {
    return new PluginHooks(
        new Plugins(List.of(), List.of()), new PluginCalls(Duration.ofSeconds(1)));
  }

  private interface Call {
    void call(PluginHook hook);
  }

  private List<String> each(String hookName, Call call) {
    List<String> errors = new ArrayList<>();
    for (LoadedPlugin plugin : plugins.bundles()) {
      for (PluginHook hook : plugin.hooks()) {
        try {
          calls.run(plugin, hookName, () -> call.call(hook));
        } catch (PluginException e) {
          LOG.warn("{}", e.getMessage());
          errors.add(e.getMessage());
        }
      }
    }
    return errors;
  }

  /** After a deployment; returns the errors of plugins that failed (as deployment warnings). */
  public List<String> afterDeploy(JobChange job) {
    return each("after deploy", hook -> hook.afterDeploy(job));
  }

  /** After a deletion; returns the errors of plugins that failed. */
  public List<String> afterDelete(JobChange job) {
    return each("after delete", hook -> hook.afterDelete(job));
  }

  /** The extra job environment plugins give (a failing plugin gives none). */
  public Map<String, String> runtimeEnvVars() {
    Map<String, String> env = new LinkedHashMap<>();
    for (LoadedPlugin plugin : plugins.bundles()) {
      for (PluginHook hook : plugin.hooks()) {
        try {
          env.putAll(calls.call(plugin, "runtime env vars", hook::runtimeEnvVars));
        } catch (PluginException e) {
          LOG.warn("{}", e.getMessage());
        }
      }
    }
    return env;
  }

  /**
   * Lets every plugin check a manifest.
   *
   * @throws ValidationException naming the plugin that refused it (or failed)
   */
  public void validateManifest(Manifest manifest, String jobTypeKey) {
    for (LoadedPlugin plugin : plugins.bundles()) {
      for (PluginHook hook : plugin.hooks()) {
        try {
          calls.run(
              plugin, "manifest validation", () -> hook.validateManifest(manifest, jobTypeKey));
        } catch (PluginException e) {
          throw new ValidationException(
              "invalid manifest according to plugin "
                  + plugin.manifest().id()
                  + ": "
                  + rootMessage(e));
        }
      }
    }
  }

  static String rootMessage(PluginException e) {
    Throwable cause = e.getCause();
    if (cause == null || cause instanceof java.util.concurrent.TimeoutException) {
      return e.getMessage();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
