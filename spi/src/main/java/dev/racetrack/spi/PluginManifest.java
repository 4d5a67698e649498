package dev.racetrack.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A plugin's {@code plugin-manifest.yaml} (§8.2).
 *
 * @param name the plugin's name (letters, digits, {@code -_.})
 * @param version its version (SemVer-like)
 * @param category {@code job-type}, {@code infrastructure} or {@code core}
 * @param priority lower runs first
 * @param components the components that load it ({@code lifecycle}, {@code image-builder}); empty:
 *     all
 * @param url its homepage
 * @param buildDate when it was bundled ({@code yyyy-MM-ddTHHmmssZ}, set by the bundler)
 */
public record PluginManifest(
    String name,
    String version,
    Optional<String> category,
    int priority,
    List<String> components,
    Optional<String> url,
    Optional<String> buildDate) {

  public static final String FILE = "plugin-manifest.yaml";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
  private static final Set<String> FIELDS =
      Set.of("name", "version", "category", "priority", "components", "url", "build_date");
  private static final Set<String> CATEGORIES = Set.of("job-type", "infrastructure", "core");

  /** The components that load plugins (PUB and the dashboard run no plugin code). */
  private static final Set<String> COMPONENTS = Set.of("lifecycle", "image-builder");

  /** Components of the platform that run no plugin code: naming one is refused, not ignored. */
  private static final Set<String> WITHOUT_PLUGINS = Set.of("pub", "dashboard");

  public PluginManifest {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ValidationException(
          FILE + ": name should be letters, digits and -_. (at most 100), got '" + name + "'");
    }
    if (version == null || !VERSION.matcher(version).matches() || version.contains("..")) {
      throw new ValidationException(
          FILE
              + ": version should look like 1.2.0 (of plugin "
              + name
              + "), got '"
              + version
              + "'");
    }
    Objects.requireNonNull(category, "category");
    category.ifPresent(
        c -> {
          if (!CATEGORIES.contains(c)) {
            throw new ValidationException(
                FILE + ": category should be one of " + CATEGORIES + ", got '" + c + "'");
          }
        });
    components = List.copyOf(components);
    for (String component : components) {
      if (WITHOUT_PLUGINS.contains(component)) {
        throw new ValidationException(
            FILE
                + ": components: '"
                + component
                + "' runs no plugin code (job types, targets and hooks run in lifecycle and the"
                + " image builder); list among "
                + COMPONENTS.stream().sorted().toList()
                + " or leave it out");
      }
      if (!COMPONENTS.contains(component)) {
        throw new ValidationException(
            FILE
                + ": components should be among "
                + COMPONENTS.stream().sorted().toList()
                + ", got '"
                + component
                + "'");
      }
    }
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(buildDate, "buildDate");
  }

  /** {@code name-version}: the bundle's file and directory name. */
  public String id() {
    return name + "-" + version;
  }

  /** Whether the given component loads this plugin. */
  public boolean runsIn(String component) {
    return components.isEmpty() || components.contains(component);
  }

  /** This manifest with {@code build_date} set. */
  public PluginManifest withBuildDate(String date) {
    return new PluginManifest(
        name, version, category, priority, components, url, Optional.of(date));
  }

  /** Parses and validates {@code plugin-manifest.yaml}; unknown keys are refused. */
  public static PluginManifest parse(byte[] yaml) {
    JsonNode root;
    try {
      root = Json.yaml().readTree(yaml);
    } catch (IOException e) {
      throw new ValidationException(FILE + " is not valid YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode object)) {
      throw new ValidationException(FILE + " should be a mapping with name and version");
    }
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new ValidationException(
            FILE + ": unknown field '" + field + "' (allowed: " + FIELDS + ")");
      }
    }
    List<String> components = new ArrayList<>();
    JsonNode list = object.path("components");
    if (!list.isMissingNode() && !list.isNull()) {
      if (!list.isArray()) {
        throw new ValidationException(FILE + ": components should be a list");
      }
      list.forEach(c -> components.add(c.asText()));
    }
    JsonNode priority = object.path("priority");
    if (!priority.isMissingNode() && !priority.isNull() && !priority.canConvertToInt()) {
      throw new ValidationException(FILE + ": priority should be an integer");
    }
    return new PluginManifest(
        text(object, "name").orElse(null),
        text(object, "version").orElse(null),
        text(object, "category"),
        priority.asInt(0),
        components,
        text(object, "url"),
        text(object, "build_date"));
  }

  private static Optional<String> text(ObjectNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isValueNode()) {
      throw new ValidationException(FILE + ": " + field + " should be a text");
    }
    return Optional.of(node.asText().strip()).filter(s -> !s.isEmpty());
  }

  /** The YAML text of this manifest. */
  public String toYaml() {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put("name", name);
    map.put("version", version);
    category.ifPresent(c -> map.put("category", c));
    map.put("priority", priority);
    if (!components.isEmpty()) {
      map.put("components", components);
    }
    url.ifPresent(u -> map.put("url", u));
    buildDate.ifPresent(d -> map.put("build_date", d));
    try {
      return Json.yaml().writeValueAsString(map);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
