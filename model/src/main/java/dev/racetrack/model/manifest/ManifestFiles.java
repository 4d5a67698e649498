package dev.racetrack.model.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads manifests from disk: finds {@code job.yaml} (or the legacy {@code fatman.yaml}) in a
 * directory, merges an {@code extends} base (§12.2) and applies {@code -e key=value} extra vars.
 */
public final class ManifestFiles {

  public static final String MANIFEST_FILE = "job.yaml";
  public static final String LEGACY_MANIFEST_FILE = "fatman.yaml";
  private static final int MAX_MANIFEST_BYTES = 1024 * 1024;

  private ManifestFiles() {}

  /** A manifest read from disk, before validation. */
  public record RawManifest(Path file, Map<String, Object> content, List<String> warnings) {
    public RawManifest {
      content = new LinkedHashMap<>(content);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Locates the manifest of a job directory, or accepts a manifest file path directly.
   *
   * @throws ValidationException when there is none
   */
  public static Path locate(Path dirOrFile) {
    if (Files.isRegularFile(dirOrFile)) {
      return dirOrFile;
    }
    if (!Files.isDirectory(dirOrFile)) {
      throw new ValidationException("no such job directory or manifest file: " + dirOrFile);
    }
    Path manifest = dirOrFile.resolve(MANIFEST_FILE);
    if (Files.isRegularFile(manifest)) {
      return manifest;
    }
    Path legacy = dirOrFile.resolve(LEGACY_MANIFEST_FILE);
    if (Files.isRegularFile(legacy)) {
      return legacy;
    }
    throw new ValidationException(
        "no " + MANIFEST_FILE + " found in " + dirOrFile.toAbsolutePath());
  }

  /**
   * Reads a manifest file and merges its {@code extends} base, if any. The result has no {@code
   * extends} key.
   */
  public static RawManifest read(Path file) {
    List<String> warnings = new ArrayList<>();
    if (file.getFileName().toString().equals(LEGACY_MANIFEST_FILE)) {
      warnings.add(LEGACY_MANIFEST_FILE + " is deprecated, rename it to " + MANIFEST_FILE);
    }
    Map<String, Object> content = parseYamlFile(file);
    Object extendsValue = content.remove("extends");
    if (extendsValue == null) {
      return new RawManifest(file, content, warnings);
    }
    Path base = resolveBase(file, extendsValue.toString());
    Map<String, Object> baseContent = parseYamlFile(base);
    if (baseContent.containsKey("extends")) {
      throw new ValidationException(
          file
              + ": base manifest "
              + base
              + " extends another manifest; only one level is allowed");
    }
    return new RawManifest(file, merge(baseContent, content), warnings);
  }

  private static Path resolveBase(Path file, String relative) {
    if (relative.isBlank() || Path.of(relative).isAbsolute()) {
      throw new ValidationException(
          file + ": 'extends' must be a path relative to the manifest, got '" + relative + "'");
    }
    Path base = file.toAbsolutePath().getParent().resolve(relative).normalize();
    if (!Files.isRegularFile(base)) {
      throw new ValidationException(
          file + ": base manifest '" + relative + "' does not exist (" + base + ")");
    }
    return base;
  }

  /** Parses YAML text into a map; {@code source} names it in errors. */
  public static Map<String, Object> parseYaml(String yaml, String source) {
    try {
      Object parsed = Json.yaml().readValue(yaml, Object.class);
      if (parsed == null) {
        throw new ValidationException(source + ": manifest is empty");
      }
      if (!(parsed instanceof Map)) {
        throw new ValidationException(
            source + ": manifest must be a YAML mapping of keys to values");
      }
      return Json.mapper()
          .convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new ValidationException(source + ": invalid YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, Object> parseYamlFile(Path file) {
    try {
      if (Files.size(file) > MAX_MANIFEST_BYTES) {
        throw new ValidationException(file + ": manifest is larger than 1 MiB");
      }
      return parseYaml(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ValidationException(file + ": cannot read manifest: " + e.getMessage(), e);
    }
  }

  /**
   * Deep-merges {@code overlay} onto {@code base}: mappings merge recursively, any other overlay
   * value replaces the base value.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
    Map<String, Object> result = new LinkedHashMap<>(base);
    overlay.forEach(
        (key, value) -> {
          Object existing = result.get(key);
          if (existing instanceof Map && value instanceof Map) {
            result.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) value));
          } else {
            result.put(key, value);
          }
        });
    return result;
  }

  /**
   * Applies {@code key.path=VALUE} overrides; VALUE is parsed as YAML (so {@code 3} is a number and
   * {@code [a, b]} a list). Missing intermediate mappings are created.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> applyExtraVars(
      Map<String, Object> manifest, List<String> extraVars) {
    Map<String, Object> result = merge(manifest, Map.of());
    for (String assignment : extraVars) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ValidationException(
            "extra var '" + assignment + "' must look like key.path=value");
      }
      String[] path = assignment.substring(0, eq).split("\\.");
      Object value = parseScalar(assignment.substring(eq + 1), assignment);
      Map<String, Object> node = result;
      for (int i = 0; i < path.length - 1; i++) {
        Object child = node.get(path[i]);
        if (child == null) {
          child = new LinkedHashMap<String, Object>();
          node.put(path[i], child);
        } else if (!(child instanceof Map)) {
          throw new ValidationException(
              "extra var '" + assignment + "': '" + path[i] + "' is not a mapping in the manifest");
        } else {
          child = new LinkedHashMap<>((Map<String, Object>) child);
          node.put(path[i], child);
        }
        node = (Map<String, Object>) child;
      }
      node.put(path[path.length - 1], value);
    }
    return result;
  }

  private static Object parseScalar(String text, String assignment) {
    if (text.isEmpty()) {
      return "";
    }
    try {
      Object value = Json.yaml().readValue(text, Object.class);
      return value == null ? "" : value;
    } catch (JsonProcessingException e) {
      throw new ValidationException("extra var '" + assignment + "': value is not valid YAML", e);
    }
  }
}
