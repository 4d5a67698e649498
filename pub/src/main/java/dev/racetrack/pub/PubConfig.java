package dev.racetrack.pub;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.pub.upstream.Transport;
import dev.racetrack.tls.TlsConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Settings of PUB (§5.1).
 *
 * @param lifecycleUrl where authorization questions go
 * @param cacheTtl how long a granted authorization is reused without asking lifecycle
 * @param staleTtl how long a granted authorization may still be used while lifecycle is unreachable
 *     ({@code LIFECYCLE_CACHE_TTL_MAX}, at most {@link #MAX_STALE_TTL_SECONDS} seconds by default)
 * @param internalToken the secret lifecycle presents when it tells PUB to drop cached answers
 * @param jobCallKey the platform key the per-job secrets PUB presents to jobs derive from
 * @param webviewJobs jobs whose pages an admin approved to run with PUB's origin (no sandbox)
 * @param externalUrl PUB's address as browsers see it ({@code EXTERNAL_PUB_URL}, the variable
 *     lifecycle shows users): the only origin the token form accepts, and {@code https} makes PUB's
 *     cookies {@code Secure}; empty, the request's own {@code Host} is PUB's origin
 * @param jobDomain the domain whose subdomains are jobs' own hosts ({@code PUB_JOB_DOMAIN}, see
 *     {@link JobHost}); empty, jobs are served under PUB's host only
 * @param limits what callers may hold and send, and the default call timeout
 * @param tls HTTPS on PUB's port ({@code TLS_CERT_FILE}, {@code TLS_KEY_FILE}, {@code HEALTH_PORT})
 *     and the CA PUB trusts when it calls lifecycle ({@code TLS_CA_FILE})
 * @param transport the network transport of PUB's event loops ({@code PUB_TRANSPORT}: {@code auto},
 *     the default, is epoll where it loads and NIO elsewhere; {@code io_uring}, {@code epoll} and
 *     {@code nio} ask for one; see {@link Transport})
 */
public record PubConfig(
    String host,
    int port,
    String lifecycleUrl,
    Duration cacheTtl,
    Duration staleTtl,
    Duration connectTimeout,
    String internalToken,
    String jobCallKey,
    Set<String> webviewJobs,
    Optional<URI> externalUrl,
    Optional<String> jobDomain,
    PubLimits limits,
    TlsConfig tls,
    String transport) {

  /** The default stale window: lifecycle's refusals reach PUB within a minute at worst. */
  public static final long MAX_STALE_TTL_SECONDS = 60;

  private static final Pattern DOMAIN =
      Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public PubConfig {
    Objects.requireNonNull(internalToken, "internalToken");
    Objects.requireNonNull(jobCallKey, "jobCallKey");
    webviewJobs = Set.copyOf(webviewJobs);
    Objects.requireNonNull(externalUrl, "externalUrl");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(tls, "tls");
    if (!Transport.CHOICES.contains(transport)) {
      throw new ValidationException(Transport.unknown(transport));
    }
    jobDomain = jobDomain.map(d -> d.strip().toLowerCase(Locale.ROOT));
    if (jobDomain.isPresent() && !DOMAIN.matcher(jobDomain.get()).matches()) {
      throw new ValidationException(
          "PUB_JOB_DOMAIN must be a domain name like jobs.example.com, not " + jobDomain.get());
    }
    if (staleTtl.compareTo(cacheTtl) < 0) {
      throw new ValidationException(
          "LIFECYCLE_CACHE_TTL_MAX must not be shorter than LIFECYCLE_CACHE_TTL_MIN");
    }
  }

  /**
   * Reads the settings; {@code internalToken} is the secret lifecycle presents to invalidate the
   * cache, {@code jobCallKey} the key of the secrets PUB presents to jobs.
   */
  public static PubConfig fromEnv(
      Map<String, String> env, String internalToken, String jobCallKey) {
    EnvReader e = new EnvReader(env);
    int lifecyclePort = e.port("LIFECYCLE_PORT", 7202);
    TlsConfig tls = TlsConfig.fromEnv(env);
    return new PubConfig(
        e.string("PUB_HOST", "127.0.0.1"),
        e.port("PUB_PORT", 7205),
        e.url("LIFECYCLE_URL", tls.scheme() + "://127.0.0.1:" + lifecyclePort + "/lifecycle"),
        seconds(e.positiveDouble("LIFECYCLE_CACHE_TTL_MIN", 5)),
        seconds(e.positiveDouble("LIFECYCLE_CACHE_TTL_MAX", MAX_STALE_TTL_SECONDS)),
        Duration.ofSeconds(e.positiveLong("PUB_CONNECT_TIMEOUT", 10)),
        internalToken,
        jobCallKey,
        Arrays.stream(e.string("PUB_WEBVIEW_JOBS", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()),
        e.optional("EXTERNAL_PUB_URL").map(url -> URI.create(e.url("EXTERNAL_PUB_URL", url))),
        e.optional("PUB_JOB_DOMAIN"),
        PubLimits.fromEnv(env),
        tls,
        e.string("PUB_TRANSPORT", "auto").strip().toLowerCase(Locale.ROOT));
  }

  /**
   * How long PUB lets calls in flight finish when it stops ({@code SHUTDOWN_DRAIN_SECONDS}, whole
   * seconds, default 30): read the same way by the all-in-one server and by PUB on its own.
   */
  public static Duration shutdownDrain(Map<String, String> env) {
    return Duration.ofSeconds(
        new EnvReader(env)
            .positiveLong("SHUTDOWN_DRAIN_SECONDS", PubServer.DEFAULT_DRAIN.toSeconds()));
  }

  private static Duration seconds(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000));
  }

  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("listen", host + ":" + port);
    out.put("lifecycle_url", lifecycleUrl);
    out.put("cache_ttl", cacheTtl);
    out.put("stale_ttl", staleTtl);
    out.put("webview_jobs", webviewJobs);
    out.put("external_url", externalUrl.map(URI::toString).orElse("(the request's host)"));
    out.put("job_domain", jobDomain.orElse("(none)"));
    out.putAll(limits.describe());
    out.putAll(tls.describe());
    out.put("transport", transport);
    out.put("internal_token", "(redacted)");
    out.put("job_call_key", "(redacted)");
    return out;
  }

  @Override
  public String toString() {
    return "PubConfig" + describe();
  }
}
