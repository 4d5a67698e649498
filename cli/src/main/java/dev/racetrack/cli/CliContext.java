package dev.racetrack.cli;

import dev.racetrack.model.http.ApiClient;
import dev.racetrack.tls.TlsException;
import dev.racetrack.tls.TrustedCa;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What every command works with: environment, streams, the config file and HTTP. A class rather
 * than a record because it remembers which config files it has warned about, so a command that
 * reads the config several times warns once.
 */
public final class CliContext {
  static final String USER_AGENT = "racetrack-cli";
  static final String CA_CERT_VARIABLE = "RACETRACK_CA_CERT";
  private static final PrintStream NO_WARNINGS = new PrintStream(OutputStream.nullOutputStream());

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  private final Function<CliContext, HttpClient> httpFactory;
  private HttpClient http;
  private final Set<Path> warnedConfigFiles = ConcurrentHashMap.newKeySet();

  public CliContext(
      Map<String, String> env, PrintStream out, PrintStream err, InputStream in, HttpClient http) {
    this(env, out, err, in, context -> Objects.requireNonNull(http, "http"));
  }

  private CliContext(
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      InputStream in,
      Function<CliContext, HttpClient> httpFactory) {
    this.env = Map.copyOf(env);
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.in = Objects.requireNonNull(in, "in");
    this.httpFactory = httpFactory;
  }

  public Map<String, String> env() {
    return env;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public InputStream in() {
    return in;
  }

  /** The HTTP client, created on first use (commands without calls start no threads). */
  public synchronized HttpClient http() {
    if (http == null) {
      http = httpFactory.apply(this);
    }
    return http;
  }

  /**
   * Stops the HTTP client's threads. The JVM's exit otherwise waits up to 300 ms for its selector
   * thread, which sits in native code, before giving up on it.
   */
  public synchronized void close() {
    if (http != null) {
      http.shutdownNow();
    }
  }

  /** The real process context. */
  public static CliContext system() {
    return standalone(System.getenv(), System.out, System.err, System.in);
  }

  /**
   * A context making its own HTTP client, trusting the CA certificate of {@code RACETRACK_CA_CERT}
   * or {@code racetrack set ca-cert} besides the JDK's authorities.
   */
  public static CliContext standalone(
      Map<String, String> env, PrintStream out, PrintStream err, InputStream in) {
    return new CliContext(
        env,
        out,
        err,
        in,
        context -> {
          HttpClient.Builder builder =
              HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
          Optional<Path> ca = context.caCert();
          try {
            return TrustedCa.trusting(builder, ca).build();
          } catch (TlsException e) {
            throw new CliException(
                "cannot use the CA certificate "
                    + ca.map(Path::toString).orElse("")
                    + ": "
                    + e.getMessage());
          }
        });
  }

  /** The CA certificate file to trust: {@code RACETRACK_CA_CERT}, else the client config's. */
  Optional<Path> caCert() {
    return Optional.ofNullable(env.get(CA_CERT_VARIABLE))
        .map(String::strip)
        .filter(v -> !v.isEmpty())
        .map(Path::of)
        .or(() -> config().caCert());
  }

  ClientConfig config() {
    Path file = ClientConfig.defaultPath(env);
    return ClientConfig.load(file, warnedConfigFiles.add(file) ? err : NO_WARNINGS);
  }

  /** The lifecycle URL a command talks to: {@code --remote} if given, else the current remote. */
  String remote(Optional<String> override) {
    ClientConfig config = config();
    return config.resolve(override.orElse(config.currentRemote()));
  }

  /** An API client for a remote, with its stored token. */
  ApiClient api(String lifecycleUrl) {
    return new ApiClient(
        http(),
        lifecycleUrl,
        Map.of(ApiClient.AUTH_HEADER, token(lifecycleUrl), "User-Agent", USER_AGENT),
        Duration.ofSeconds(60));
  }

  /** The token stored for a remote; fails telling how to log in when there is none. */
  String token(String lifecycleUrl) {
    return config()
        .token(lifecycleUrl)
        .orElseThrow(
            () ->
                new CliException(
                    "missing auth token for "
                        + lifecycleUrl
                        + ". You need to do: racetrack login --remote "
                        + lifecycleUrl
                        + " <token>"
                        + " (or racetrack login --username <user>)"));
  }

  /** An API client without credentials (login). */
  ApiClient anonymous(String lifecycleUrl) {
    return new ApiClient(
        http(), lifecycleUrl, Map.of("User-Agent", USER_AGENT), Duration.ofSeconds(60));
  }
}
