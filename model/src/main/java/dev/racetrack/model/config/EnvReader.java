package dev.racetrack.model.config;

import dev.racetrack.model.error.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Typed reads of environment variables; every error names the variable. */
public final class EnvReader {
  private final Map<String, String> env;

  public EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  public String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  /** The platform's data directory: {@code RACETRACK_DATA_DIR} or {@code ~/.racetrack/data}. */
  public Path dataDir() {
    return optional("RACETRACK_DATA_DIR")
        .map(Path::of)
        .orElseGet(() -> home().resolve(".racetrack").resolve("data"))
        .toAbsolutePath()
        .normalize();
  }

  /**
   * The user's home directory, {@code ~}: {@code HOME} as the shell and the original's CLI take it,
   * else the JVM's {@code user.home} (the password database's entry).
   */
  public Path home() {
    return optional("HOME").map(Path::of).orElseGet(() -> Path.of(System.getProperty("user.home")));
  }

  public int port(String name, int fallback) {
    long value = parse(name, fallback);
    if (value < 0 || value > 65535) {
      throw invalid(name, "a port number from 0 to 65535");
    }
    return (int) value;
  }

  public long positiveLong(String name, long fallback) {
    long value = parse(name, fallback);
    if (value <= 0) {
      throw invalid(name, "a positive whole number");
    }
    return value;
  }

  public double positiveDouble(String name, double fallback) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.get());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw invalid(name, "a positive number");
  }

  public boolean bool(String name, boolean fallback) {
    Optional<String> text = optional(name).map(v -> v.toLowerCase(Locale.ROOT));
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw invalid(name, "true or false");
    };
  }

  /** An http(s) URL without a trailing slash. */
  public String url(String name, String fallback) {
    String value = string(name, fallback);
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw invalid(name, "an http:// or https:// URL");
      }
    } catch (URISyntaxException e) {
      throw invalid(name, "an http:// or https:// URL");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private long parse(String name, long fallback) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.get());
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number");
    }
  }

  private ValidationException invalid(String name, String expected) {
    return new ValidationException(
        "environment variable " + name + " must be " + expected + ", got '" + env.get(name) + "'");
  }
}
