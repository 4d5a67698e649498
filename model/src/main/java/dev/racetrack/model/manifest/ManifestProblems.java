package dev.racetrack.model.manifest;

import dev.racetrack.model.error.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads typed values out of a raw manifest map while collecting every problem, so one validation
 * run reports all mistakes, each naming its key and the manifest's source file.
 */
final class ManifestProblems {
  private final String source;
  private final List<String> problems = new ArrayList<>();

  ManifestProblems(String source) {
    this.source = source;
  }

  void add(String key, String message) {
    problems.add(key + ": " + message);
  }

  boolean any() {
    return !problems.isEmpty();
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ValidationException(
          "invalid manifest " + source + ": " + String.join("; ", problems));
    }
  }

  Optional<String> string(Map<String, ?> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Map || value instanceof List) {
      add(path, "expected a text value, got " + describe(value));
      return Optional.empty();
    }
    return Optional.of(value.toString());
  }

  String requiredString(Map<String, ?> map, String key, String path) {
    Optional<String> value = string(map, key, path);
    if (value.isEmpty() || value.get().isBlank()) {
      if (!(map.get(key) instanceof Map) && !(map.get(key) instanceof List)) {
        add(path, "is required");
      }
      return "";
    }
    return value.get();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> map(Map<String, ?> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map)) {
      add(path, "expected a mapping, got " + describe(value));
      return Map.of();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    ((Map<Object, Object>) value).forEach((k, v) -> result.put(String.valueOf(k), v));
    return result;
  }

  Map<String, String> stringMap(Map<String, ?> map, String key, String path) {
    Map<String, String> result = new LinkedHashMap<>();
    map(map, key, path)
        .forEach(
            (k, v) -> {
              if (v == null || v instanceof Map || v instanceof List) {
                add(path + "." + k, "expected a text value, got " + describe(v));
              } else {
                result.put(k, v.toString());
              }
            });
    return result;
  }

  List<String> stringList(Map<String, ?> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      add(path, "expected a list, got " + describe(value));
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item == null || item instanceof Map || item instanceof List) {
        add(path + "[" + i + "]", "expected a text value, got " + describe(item));
      } else {
        result.add(item.toString());
      }
    }
    return result;
  }

  void rejectUnknownKeys(Map<String, ?> map, List<String> allowed, String path) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        add(
            path.isEmpty() ? key : path + "." + key,
            "unknown key" + (path.isEmpty() ? "" : " in " + path) + " (allowed: " + allowed + ")");
      }
    }
  }

  static String describe(@Nullable Object value) {
    if (value == null) {
      return "nothing (null)";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return "'" + value + "'";
  }
}
