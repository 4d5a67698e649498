package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Json;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.spi.SecretBox;
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

  /**
   * The config file: {@code RACETRACK_CONFIG} if set, else {@code ~/.racetrack/config.yaml} ({@code
   * ~} is {@code HOME}, as for the original's CLI).
   */
  static Path defaultPath(Map<String, String> env) {
    String override = env.get("RACETRACK_CONFIG");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return new EnvReader(env).home().resolve(".racetrack").resolve("config.yaml");
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

  /** The CA certificate file the client trusts ({@code racetrack set ca-cert}). */
  Optional<Path> caCert() {
    return Optional.ofNullable(data.get("ca_cert")).map(Object::toString).map(Path::of);
  }

  void setCaCert(Path file) {
    data.put("ca_cert", file.toString());
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

  /**
   * Stores read credentials for git repositories under {@code repo} (a URL or a prefix of one), the
   * token encrypted with the client key ({@code client.key} next to this file, mode 600).
   */
  void setGitCredentials(String repo, String username, String token) {
    Map<String, Object> all = new LinkedHashMap<>(rawSection("git_credentials"));
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put("username", username);
    entry.put("password", secretBox().encrypt(token));
    all.put(repo, entry);
    data.put("git_credentials", all);
  }

  /**
   * The git credentials for a repository URL (§11.2): stored for exactly that URL, else for the
   * longest stored prefix of it, else for its host.
   */
  Optional<DeployRequest.GitCredentials> gitCredentials(String repoUrl) {
    Map<String, Object> all = rawSection("git_credentials");
    String host = hostOf(repoUrl);
    Optional<String> key =
        all.containsKey(repoUrl)
            ? Optional.of(repoUrl)
            : all.keySet().stream()
                .filter(k -> repoUrl.startsWith(k.endsWith("/") ? k : k + "/"))
                .max(java.util.Comparator.comparingInt(String::length))
                .or(() -> Optional.of(host).filter(all::containsKey));
    return key.map(k -> credentials(k, all.get(k)));
  }

  private DeployRequest.GitCredentials credentials(String key, Object value) {
    if (!(value instanceof Map<?, ?> entry)
        || entry.get("username") == null
        || entry.get("password") == null) {
      throw new CliException("git_credentials for " + key + " in " + file + " are incomplete");
    }
    String password = String.valueOf(entry.get("password"));
    try {
      // entries written by the original client hold the token in clear
      String plain = password.startsWith("v1:") ? secretBox().decrypt(password) : password;
      return new DeployRequest.GitCredentials(String.valueOf(entry.get("username")), plain);
    } catch (IllegalStateException e) {
      throw new CliException(
          "cannot decrypt the git credentials for "
              + key
              + " with "
              + keyFile()
              + "; store them again: racetrack set credentials");
    }
  }

  private static String hostOf(String url) {
    try {
      return Optional.ofNullable(java.net.URI.create(url).getHost()).orElse(url);
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  private Path keyFile() {
    return file.toAbsolutePath().resolveSibling("client.key");
  }

  private SecretBox secretBox() {
    return SecretBox.fromKeyFile(keyFile());
  }

  /** The whole config, with tokens and git passwords replaced by {@code ***}, as YAML. */
  String describeRedacted() {
    Map<String, Object> copy = new LinkedHashMap<>(data);
    Map<String, String> auths = new LinkedHashMap<>();
    section("user_auths").keySet().forEach(url -> auths.put(url, "***"));
    if (copy.containsKey("user_auths")) {
      copy.put("user_auths", auths);
    }
    Map<String, Object> git = new LinkedHashMap<>();
    rawSection("git_credentials")
        .forEach(
            (repo, v) ->
                git.put(
                    repo,
                    v instanceof Map<?, ?> m
                        ? Map.of("username", String.valueOf(m.get("username")), "password", "***")
                        : "***"));
    if (copy.containsKey("git_credentials")) {
      copy.put("git_credentials", git);
    }
    try {
      return Json.yaml().writeValueAsString(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> rawSection(String key) {
    Object value = data.get(key);
    if (!(value instanceof Map)) {
      return Map.of();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    ((Map<Object, Object>) value).forEach((k, v) -> result.put(String.valueOf(k), v));
    return result;
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
