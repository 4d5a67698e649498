package dev.racetrack.lifecycle;

import dev.racetrack.lifecycle.database.DatabaseSettings;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.tls.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the lifecycle component, read from environment variables and validated at start-up
 * with messages naming the bad variable.
 *
 * @param dataDir where the platform keeps its data (database, keys, artifacts, logs)
 * @param authKey secret the tokens are signed with ({@code AUTH_KEY}); generated once when unset
 * @param internalToken shared secret the components present to each other (INTERNAL_TOKEN)
 * @param jobDomain {@code PUB_JOB_DOMAIN}: jobs' own hosts are its subdomains, and their URLs
 *     ({@code pub_url}) name those hosts
 * @param jobCallKey key of the per-job secrets PUB presents to jobs ({@code JOB_CALL_KEY}); kept in
 *     the data directory's {@code keys/job_call_key}, generated once, when unset
 */
public record LifecycleConfig(
    Path dataDir,
    String host,
    int port,
    String authKey,
    DatabaseSettings database,
    String imageBuilderUrl,
    String internalToken,
    String jobCallKey,
    String externalPubUrl,
    String internalPubUrl,
    String externalLifecycleUrl,
    Optional<String> jobDomain,
    Optional<String> adminPassword,
    Optional<String> infrastructureTarget,
    Set<String> gitAllowedSchemes,
    long maxBuildContextBytes,
    Duration readinessTimeout,
    Duration supervisorInterval,
    boolean allowJobOverwrite,
    boolean reconciliationLoop,
    Map<String, String> env) {

  public LifecycleConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(jobCallKey, "jobCallKey");
    if (authKey.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new dev.racetrack.model.error.ValidationException(
          "environment variable AUTH_KEY must be at least 32 bytes long (HS256 needs a 256-bit"
              + " key); generate one with: openssl rand -base64 32");
    }
    gitAllowedSchemes = Set.copyOf(gitAllowedSchemes);
    env = Map.copyOf(env);
  }

  /** Reads the configuration from environment variables (see docs/configuration.md). */
  public static LifecycleConfig fromEnv(
      Map<String, String> env, String authKey, String internalToken) {
    EnvReader e = new EnvReader(env);
    Path dataDir = e.dataDir();
    int port = e.port("LIFECYCLE_PORT", 7202);
    int pubPort = e.port("PUB_PORT", 7205);
    // with TLS on (one certificate for the platform) the other components serve HTTPS too
    String scheme = TlsConfig.fromEnv(env).scheme();
    String pubUrl = e.string("EXTERNAL_PUB_URL", scheme + "://127.0.0.1:" + pubPort + "/pub");
    return new LifecycleConfig(
        dataDir,
        e.string("LIFECYCLE_HOST", "127.0.0.1"),
        port,
        authKey,
        DatabaseSettings.fromEnv(env),
        e.url("IMAGE_BUILDER_URL", scheme + "://127.0.0.1:" + e.port("IMAGE_BUILDER_PORT", 7201)),
        internalToken,
        e.optional("JOB_CALL_KEY")
            .orElseGet(
                () ->
                    SecretBox.readOrCreateKey(dataDir.resolve("keys").resolve("job_call_key"), 32)),
        e.url("EXTERNAL_PUB_URL", pubUrl),
        e.url("INTERNAL_PUB_URL", pubUrl),
        e.url("EXTERNAL_LIFECYCLE_URL", scheme + "://127.0.0.1:" + port + "/lifecycle"),
        e.optional("PUB_JOB_DOMAIN"),
        e.optional("RACETRACK_ADMIN_PASSWORD"),
        e.optional("INFRASTRUCTURE_TARGET"),
        Arrays.stream(e.string("GIT_ALLOWED_SCHEMES", "https").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()),
        e.positiveLong("MAX_BUILD_CONTEXT_MB", 64) << 20,
        Duration.ofSeconds(e.positiveLong("TIMEOUT_UNTIL_JOB_READY", 600)),
        Duration.ofMillis((long) (e.positiveDouble("SUPERVISOR_INTERVAL_SECONDS", 5) * 1000)),
        e.bool("ALLOW_JOB_OVERWRITE", false),
        e.bool("RECONCILIATION_LOOP", false),
        env);
  }

  /** The effective configuration for the start-up log, secrets redacted. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data_dir", dataDir);
    out.put("listen", host + ":" + port);
    out.put("database", database.describe());
    out.put("image_builder_url", imageBuilderUrl);
    out.put("external_pub_url", externalPubUrl);
    out.put("internal_pub_url", internalPubUrl);
    out.put("job_domain", jobDomain.orElse("(none)"));
    out.put("infrastructure_target", infrastructureTarget.orElse("(single installed target)"));
    out.put("git_allowed_schemes", gitAllowedSchemes);
    out.put("max_build_context_mb", maxBuildContextBytes >> 20);
    out.put("supervisor_interval", supervisorInterval);
    out.put("reconciliation_loop", reconciliationLoop);
    out.put("auth_key", "(redacted)");
    out.put("job_call_key", "(redacted)");
    return out;
  }

  @Override
  public String toString() {
    return "LifecycleConfig" + describe();
  }

  /** {@code AUTH_KEY}, or the key generated once and kept in the data directory. */
  public static String resolveAuthKey(Map<String, String> env, Path dataDir) {
    Optional<String> configured = new EnvReader(env).optional("AUTH_KEY");
    return configured.orElseGet(
        () -> SecretBox.readOrCreateKey(dataDir.resolve("keys").resolve("auth_key"), 32));
  }

  /**
   * Where the all-in-one server keeps the {@code INTERNAL_TOKEN} it generated when none was set
   * (mode 600, like {@code keys/auth_key}), so a restart and the admin commands present the same.
   */
  public static Path internalTokenFile(Path dataDir) {
    return dataDir.resolve("keys").resolve("internal_token");
  }

  /** The internal token the all-in-one server generated and keeps in {@code dataDir}, if any. */
  public static Optional<String> storedInternalToken(Path dataDir) {
    Path file = internalTokenFile(dataDir);
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
              .filter(t -> !t.isEmpty())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The platform version, from the jar manifest ({@code dev} when run from classes). */
  public static String platformVersion() {
    return Optional.ofNullable(LifecycleConfig.class.getPackage().getImplementationVersion())
        .orElse("dev");
  }
}
