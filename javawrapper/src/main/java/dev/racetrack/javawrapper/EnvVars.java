package dev.racetrack.javawrapper;

import java.util.Map;

/** Typed reads of environment variables, failing with a message naming the variable. */
final class EnvVars {
  private final Map<String, String> env;

  EnvVars(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  String string(String name, String defaultValue) {
    String value = env.getOrDefault(name, "").strip();
    return value.isEmpty() ? defaultValue : value;
  }

  String required(String name) {
    String value = string(name, "");
    if (value.isEmpty()) {
      throw new JobConfigException("environment variable " + name + " is required");
    }
    return value;
  }

  long number(String name, long defaultValue, long min, long max) {
    String raw = string(name, "");
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new JobConfigException(
          "environment variable " + name + " must be an integer, got '" + raw + "'");
    }
    if (value < min || value > max) {
      throw new JobConfigException(
          "environment variable %s must be between %d and %d, got %d"
              .formatted(name, min, max, value));
    }
    return value;
  }
}
