package dev.racetrack.spi;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a loaded plugin is given.
 *
 * @param manifest its manifest
 * @param pluginDir the directory its bundle was extracted to (read only)
 * @param configFile its configuration ({@code config.yaml}, written through the API); may not exist
 *     yet
 */
public record PluginSetup(PluginManifest manifest, Path pluginDir, Path configFile) {
  public PluginSetup {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(pluginDir, "pluginDir");
    Objects.requireNonNull(configFile, "configFile");
  }

  /** The current configuration text (empty when none was written). */
  public String config() {
    try {
      return Files.isRegularFile(configFile) ? Files.readString(configFile) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configFile, e);
    }
  }

  /** The current configuration parsed as a YAML mapping (empty when none). */
  public Map<String, Object> configMap() {
    return parseConfig(config());
  }

  /** Parses configuration text as a YAML mapping. */
  public static Map<String, Object> parseConfig(String yaml) {
    if (yaml.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, Object> map = Json.yaml().readValue(yaml, new TypeReference<>() {});
      return map == null ? Map.of() : map;
    } catch (IOException e) {
      throw new ValidationException("the configuration is not a YAML mapping: " + e.getMessage());
    }
  }
}
