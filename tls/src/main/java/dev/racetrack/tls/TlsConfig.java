package dev.racetrack.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A component's TLS settings, read from its environment.
 *
 * <ul>
 *   <li>{@code TLS_CERT_FILE} and {@code TLS_KEY_FILE}: the server's certificate chain and its
 *       private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted), PEM; both or neither. Given, the
 *       component serves HTTPS only.
 *   <li>{@code HEALTH_PORT}: with TLS on, a plain HTTP port serving only the health endpoints.
 *   <li>{@code TLS_CA_FILE}: PEM certificates the platform's own clients trust when one component
 *       calls another (lifecycle to the image builder, PUB to lifecycle).
 *   <li>{@code TLS_RELOAD_SECONDS}: how often the certificate and key files are checked for changes
 *       (default 5).
 * </ul>
 */
public record TlsConfig(
    Optional<ServerFiles> server,
    Optional<Integer> healthPort,
    Optional<Path> caFile,
    Duration reloadInterval) {

  /** The server's certificate chain and key files. */
  public record ServerFiles(Path certFile, Path keyFile) {
    public ServerFiles {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
    }
  }

  public static final TlsConfig OFF =
      new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(5));

  public TlsConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(healthPort, "healthPort");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
  }

  /** Reads and checks the variables; fails naming the bad one. */
  public static TlsConfig fromEnv(Map<String, String> env) {
    Optional<Path> cert = file(env, "TLS_CERT_FILE");
    Optional<Path> key = file(env, "TLS_KEY_FILE");
    if (cert.isPresent() != key.isPresent()) {
      throw new TlsException(
          (cert.isPresent() ? "TLS_KEY_FILE" : "TLS_CERT_FILE")
              + " is missing: TLS_CERT_FILE and TLS_KEY_FILE go together");
    }
    Optional<ServerFiles> server = cert.map(c -> new ServerFiles(c, key.orElseThrow()));
    Optional<Integer> health = value(env, "HEALTH_PORT").map(v -> port("HEALTH_PORT", v));
    if (health.isPresent() && server.isEmpty()) {
      throw new TlsException("HEALTH_PORT is only used with TLS_CERT_FILE and TLS_KEY_FILE");
    }
    long reload =
        value(env, "TLS_RELOAD_SECONDS").map(v -> seconds("TLS_RELOAD_SECONDS", v)).orElse(5L);
    TlsConfig config =
        new TlsConfig(server, health, file(env, "TLS_CA_FILE"), Duration.ofSeconds(reload));
    server.ifPresent(ServerKey::load); // fail at start, naming the file, not on the first call
    config.caFile().ifPresent(PemFiles::certificates);
    return config;
  }

  /** Whether the component serves HTTPS. */
  public boolean enabled() {
    return server.isPresent();
  }

  /**
   * The certificates the platform's own clients trust when calling another component: {@code
   * TLS_CA_FILE}, else the component's own certificate file (one certificate for the platform).
   */
  public Optional<Path> clientTrust() {
    return caFile.or(() -> server.map(ServerFiles::certFile));
  }

  /** The URL scheme the component serves. */
  public String scheme() {
    return enabled() ? "https" : "http";
  }

  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tls", server.map(s -> s.certFile() + " (key " + s.keyFile() + ")").orElse("off"));
    healthPort.ifPresent(p -> out.put("health_port", p));
    caFile.ifPresent(f -> out.put("tls_ca_file", f.toString()));
    return out;
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Optional<Path> file(Map<String, String> env, String name) {
    return value(env, name)
        .map(
            v -> {
              Path path = Path.of(v);
              if (!Files.isReadable(path)) {
                throw new TlsException(name + " names a file that cannot be read: " + v);
              }
              return path;
            });
  }

  private static int port(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TlsException(name + " must be a port number (0-65535), not " + value);
  }

  private static long seconds(String name, String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TlsException(name + " must be a positive number of seconds, not " + value);
  }
}
