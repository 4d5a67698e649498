package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One gauge sample returned by the job's {@code metrics()} method: {@code {name, value,
 * description?, labels?}}.
 */
record CustomGauge(String name, double value, String description, Map<String, String> labels) {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  CustomGauge {
    requireNonNull(name, "name");
    requireNonNull(description, "description");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /**
   * Reads the result of {@code metrics()}: a list of maps. Malformed entries are logged and
   * skipped; entries with a null value are skipped silently (as in the python wrapper).
   */
  static List<CustomGauge> parseAll(Object result) {
    if (!(result instanceof List<?> entries)) {
      JobLog.info("job metrics() should return a List of Maps, got " + result.getClass().getName());
      return List.of();
    }
    List<CustomGauge> gauges = new ArrayList<>();
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> map) {
        parse(map).ifPresent(gauges::add);
      } else {
        JobLog.info("job metric should be a Map, got " + entry);
      }
    }
    return gauges;
  }

  private static Optional<CustomGauge> parse(Map<?, ?> entry) {
    Object name = entry.get("name");
    if (!(name instanceof String text) || !METRIC_NAME.matcher(text).matches()) {
      JobLog.info("job metric has an invalid or missing name: " + entry);
      return Optional.empty();
    }
    Object value = entry.get("value");
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number number)) {
      JobLog.info("value of job metric " + text + " is not a number: " + value);
      return Optional.empty();
    }
    Object labels = entry.get("labels");
    Map<String, String> labelMap = new LinkedHashMap<>();
    if (labels instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> label : map.entrySet()) {
        if (!(label.getKey() instanceof String key) || !LABEL_NAME.matcher(key).matches()) {
          JobLog.info("labels of job metric " + text + " are invalid: " + labels);
          return Optional.empty();
        }
        labelMap.put(key, String.valueOf(label.getValue()));
      }
    } else if (labels != null) {
      JobLog.info("labels of job metric " + text + " should be a Map: " + labels);
      return Optional.empty();
    }
    Object description = entry.get("description");
    return Optional.of(
        new CustomGauge(
            text,
            number.doubleValue(),
            description == null ? "" : description.toString(),
            labelMap));
  }
}
