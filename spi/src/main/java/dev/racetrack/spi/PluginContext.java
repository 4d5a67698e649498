package dev.racetrack.spi;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the platform gives plugins.
 *
 * @param dataDir a directory of the plugin's own under the platform's data directory
 * @param secrets encrypts what the plugin stores at rest (key kept apart from the data)
 * @param env the platform's environment (plugins read their settings from it)
 * @param clock the clock to use
 * @param httpClient an HTTP client for probing jobs
 */
public record PluginContext(
    Path dataDir, SecretBox secrets, Map<String, String> env, Clock clock, HttpClient httpClient) {
  public PluginContext {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(secrets, "secrets");
    env = Map.copyOf(env);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(httpClient, "httpClient");
  }

  /** A setting from the environment. */
  public Optional<String> setting(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }
}
