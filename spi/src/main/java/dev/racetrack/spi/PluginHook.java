package dev.racetrack.spi;

import dev.racetrack.model.manifest.Manifest;
import java.util.Map;
import java.util.Optional;

/**
 * Hooks a plugin bundle offers, found with {@link java.util.ServiceLoader} in the plugin's own
 * class loader ({@code META-INF/services/dev.racetrack.spi.PluginHook}). Every method has a default
 * that does nothing, so a plugin implements only what it needs. The platform calls hooks one at a
 * time with a time limit; an exception or a timeout is reported naming the plugin and does not stop
 * the platform or the other plugins.
 */
public interface PluginHook {

  /** Called once after the plugin is loaded, before any other hook. */
  default void init(PluginSetup setup) {}

  /** After a job version was deployed, redeployed or moved successfully. */
  default void afterDeploy(JobChange job) {}

  /** After a job version was deleted (also from its former target after a move). */
  default void afterDelete(JobChange job) {}

  /** Extra environment variables every job gets (reserved names cannot be overridden). */
  default Map<String, String> runtimeEnvVars() {
    return Map.of();
  }

  /**
   * Checks a manifest before a deployment.
   *
   * @param jobTypeKey the resolved job type, {@code name:version}
   * @throws RuntimeException with a message saying what is wrong
   */
  default void validateManifest(Manifest manifest, String jobTypeKey) {}

  /** Markdown documentation of the plugin (shown in the dashboard). */
  default Optional<String> markdownDocs() {
    return Optional.empty();
  }

  /**
   * An admin action ({@code POST /api/v1/plugin/{name}/run}).
   *
   * @param arguments the request's JSON object merged with its query parameters
   * @return a JSON-serialisable result
   */
  default Object runAction(Map<String, Object> arguments) {
    throw new UnsupportedOperationException("this plugin has no admin action");
  }

  /**
   * Checks a new configuration before it is stored.
   *
   * @param yaml the configuration text
   * @throws RuntimeException with a message saying what is wrong
   */
  default void validateConfig(String yaml) {}
}
