package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The client's configuration, {@code ~/.racetrack/config.yaml} (§11.2): the current remote, remote
 * aliases, a token per remote and git credentials. Written with mode 600; a warning is printed when
 * group or others can read it.
 */
final class ClientConfig {
  static final String DEFAULT_REMOTE = "http://127.0.0.1:7202/lifecycle";

  private final Path file;
  private final Map<String, Object> data;

  private ClientConfig(Path file, Map<String, Object> data) {
    this.file = file;
    this.data = data;
  }

  /** The config file: {@code RACETRACK_CONFIG} if set, else {@code ~/.racetrack/config.yaml}. */
  static Path defaultPath(Map<String, String> env) {
    String override = env.get("RACETRACK_CONFIG");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return Path.of(System.getProperty("user.home"), ".racetrack", "config.yaml");
  }

  static ClientConfig load(Path file, PrintStream warnings) {
    if (!Files.exists(file)) {
      return new ClientConfig(file, new LinkedHashMap<>());
    }
    warnIfExposed(file, warnings);
    try {
      Map<String, Object> data =
          Json.yaml()
              .readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
      return new ClientConfig(file, data == null ? new LinkedHashMap<>() : data);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void warnIfExposed(Path file, PrintStream warnings) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        warnings.println(
            "warning: "
                + file
                + " is accessible by other users; it holds tokens: chmod 600 "
                + file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }

  void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".config", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.writeString(tmp, Json.yaml().writeValueAsString(data));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /** The current remote as configured (URL or alias). */
  String currentRemote() {
    return Optional.ofNullable(data.get("lifecycle_url"))
        .map(Object::toString)
        .orElse(DEFAULT_REMOTE);
  }

  void setCurrentRemote(String remote) {
    data.put("lifecycle_url", remote);
  }

  Map<String, String> aliases() {
    return section("lifecycle_url_aliases");
  }

  void setAlias(String alias, String url) {
    Map<String, String> aliases = new LinkedHashMap<>(aliases());
    aliases.put(alias, url);
    data.put("lifecycle_url_aliases", aliases);
  }

  Optional<String> token(String lifecycleUrl) {
    return Optional.ofNullable(section("user_auths").get(lifecycleUrl));
  }

  void setToken(String lifecycleUrl, String token) {
    Map<String, String> auths = new LinkedHashMap<>(section("user_auths"));
    auths.put(lifecycleUrl, token);
    data.put("user_auths", auths);
  }

  boolean removeToken(String lifecycleUrl) {
    Map<String, String> auths = new LinkedHashMap<>(section("user_auths"));
    boolean removed = auths.remove(lifecycleUrl) != null;
    data.put("user_auths", auths);
    return removed;
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> section(String key) {
    Object value = data.get(key);
    if (!(value instanceof Map)) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    ((Map<Object, Object>) value)
        .forEach((k, v) -> result.put(String.valueOf(k), String.valueOf(v)));
    return result;
  }

  /**
   * Resolves a remote: an alias becomes its URL, a URL without scheme gets {@code https://}, a URL
   * without path gets {@code /lifecycle}; no trailing slash.
   */
  String resolve(String remoteOrAlias) {
    String url = aliases().getOrDefault(remoteOrAlias, remoteOrAlias).strip();
    if (!url.contains("://")) {
      url = "https://" + url;
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    int pathStart = url.indexOf('/', url.indexOf("://") + 3);
    if (pathStart < 0) {
      url = url + "/lifecycle";
    }
    return url;
  }
}
