package dev.racetrack.imagebuilder;

import dev.racetrack.docker.DockerConfig;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.spi.ArtifactStore;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.tls.TlsConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the image builder, from environment variables.
 *
 * @param token the secret lifecycle must present ({@code INTERNAL_TOKEN})
 * @param toolEnv the part of the environment build tools see (PATH, HOME, PIP_*, ...)
 * @param sandbox what confines build steps ({@code RACETRACK_SANDBOX}: {@code bwrap} or {@code
 *     none})
 * @param docker the engine and registry {@code dockerfile} and {@code docker-image} jobs are built
 *     with ({@code DOCKER_HOST}, {@code DOCKER_REGISTRY}, ...)
 * @param images the registry job images go to and their base images
 * @param tls HTTPS on the image builder's port ({@code TLS_CERT_FILE}, {@code TLS_KEY_FILE}, {@code
 *     HEALTH_PORT})
 */
public record ImageBuilderConfig(
    Path dataDir,
    String host,
    int port,
    String token,
    Set<String> gitAllowedSchemes,
    long maxBuildContextBytes,
    int concurrentBuilds,
    boolean cleanUpWorkspaces,
    Map<String, String> toolEnv,
    Sandbox.Mode sandbox,
    DockerConfig docker,
    ImageSettings images,
    TlsConfig tls) {

  /** Variables build tools inherit; prefixes end with {@code *}. */
  static final List<String> TOOL_ENV =
      List.of(
          "PATH",
          "HOME",
          "USER",
          "LANG",
          "LC_ALL",
          "TZ",
          "TMPDIR",
          "JAVA_HOME",
          "PYTHON3_BIN",
          "PYENV_ROOT",
          "PYENV_VERSION",
          "PIP_*",
          "SSL_CERT_FILE",
          "SSL_CERT_DIR",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "http_proxy",
          "https_proxy",
          "no_proxy");

  public ImageBuilderConfig {
    gitAllowedSchemes = Set.copyOf(gitAllowedSchemes);
    toolEnv = Map.copyOf(toolEnv);
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(docker, "docker");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(tls, "tls");
  }

  public static ImageBuilderConfig fromEnv(Map<String, String> env, String token) {
    EnvReader e = new EnvReader(env);
    return new ImageBuilderConfig(
        e.dataDir(),
        e.string("IMAGE_BUILDER_HOST", "127.0.0.1"),
        e.port("IMAGE_BUILDER_PORT", 7201),
        token,
        Arrays.stream(e.string("GIT_ALLOWED_SCHEMES", "https").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()),
        e.positiveLong("MAX_BUILD_CONTEXT_MB", 64) << 20,
        (int) e.positiveLong("IMAGE_BUILDER_CONCURRENCY", 2),
        e.bool("CLEAN_UP_WORKSPACES", true),
        toolEnv(env),
        Sandbox.Mode.fromEnv(e),
        DockerConfig.fromEnv(env),
        ImageSettings.fromEnv(env),
        TlsConfig.fromEnv(env));
  }

  static Map<String, String> toolEnv(Map<String, String> env) {
    Map<String, String> result = new HashMap<>();
    env.forEach(
        (name, value) -> {
          boolean allowed =
              TOOL_ENV.stream()
                  .anyMatch(
                      p ->
                          p.endsWith("*")
                              ? name.startsWith(p.substring(0, p.length() - 1))
                              : p.equals(name));
          if (allowed) {
            result.put(name, value);
          }
        });
    return result;
  }

  public Path workspaces() {
    return dataDir.resolve("workspaces");
  }

  /** Build contexts being received, decoded from requests (emptied at start-up). */
  public Path uploads() {
    return dataDir.resolve("build-uploads");
  }

  public ArtifactStore artifacts() {
    return ArtifactStore.in(dataDir);
  }

  /** Jib's caches of base and job layers. */
  public Path imageCache() {
    return dataDir.resolve("image-cache");
  }

  public Path buildLogs() {
    return dataDir.resolve("build-logs");
  }

  /** For the start-up log, token redacted. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("listen", host + ":" + port);
    out.put("artifacts", artifacts().root());
    out.put("build_logs", buildLogs());
    out.put("git_allowed_schemes", gitAllowedSchemes);
    out.put("concurrent_builds", concurrentBuilds);
    out.put("sandbox", sandbox.name().toLowerCase(Locale.ROOT));
    out.put("docker", docker.dockerHost());
    out.put("registry", docker.registry().map(Object::toString).orElse("(none)"));
    out.put("images", images.describe());
    out.putAll(tls.describe());
    out.put("token", "(redacted)");
    return out;
  }
}
