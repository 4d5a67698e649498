package dev.racetrack.dashboard.config;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.tls.TlsConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's settings, read from the environment.
 *
 * @param host listen address ({@code DASHBOARD_HOST}, loopback by default)
 * @param port listen port ({@code DASHBOARD_PORT}, 7203; 0 for any free one)
 * @param lifecycleUrl where the dashboard calls lifecycle's API ({@code LIFECYCLE_URL})
 * @param externalLifecycleUrl the lifecycle URL users give {@code racetrack login} ({@code
 *     EXTERNAL_LIFECYCLE_URL})
 * @param pubUrl the public gateway URL job links point to ({@code EXTERNAL_PUB_URL})
 * @param grafanaUrl Grafana, when there is one: a job's page links to its dashboard ({@code
 *     EXTERNAL_GRAFANA_URL})
 * @param siteName shown on every page ({@code SITE_NAME})
 * @param siteColour the header colour, {@code #rrggbb} or test / preprod / prod ({@code
 *     SITE_COLOR})
 * @param sessionLifetime how long a dashboard session lasts ({@code SESSION_TTL_HOURS})
 * @param secureCookies whether the session cookie is {@code Secure} ({@code DASHBOARD_HTTPS},
 *     always with TLS on)
 * @param tls HTTPS on the dashboard's port ({@code TLS_CERT_FILE}, {@code TLS_KEY_FILE}, {@code
 *     HEALTH_PORT}) and the CA it trusts when calling lifecycle ({@code TLS_CA_FILE})
 */
public record DashboardConfig(
    String host,
    int port,
    URI lifecycleUrl,
    String externalLifecycleUrl,
    String pubUrl,
    Optional<String> grafanaUrl,
    String siteName,
    String siteColour,
    Duration sessionLifetime,
    boolean secureCookies,
    TlsConfig tls) {
  private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final Map<String, String> NAMED =
      Map.of("test", "#2f7d32", "preprod", "#b26a00", "prod", "#b3261e");

  public DashboardConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(lifecycleUrl, "lifecycleUrl");
    Objects.requireNonNull(externalLifecycleUrl, "externalLifecycleUrl");
    Objects.requireNonNull(pubUrl, "pubUrl");
    Objects.requireNonNull(grafanaUrl, "grafanaUrl");
    Objects.requireNonNull(siteName, "siteName");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    Objects.requireNonNull(tls, "tls");
    secureCookies = secureCookies || tls.enabled();
    if (!HEX.matcher(siteColour).matches()) {
      throw new IllegalArgumentException(
          "SITE_COLOR must be #rrggbb or one of test, preprod, prod, got '" + siteColour + "'");
    }
  }

  public static DashboardConfig fromEnv(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    int lifecyclePort = reader.port("LIFECYCLE_PORT", 7202);
    int pubPort = reader.port("PUB_PORT", 7205);
    TlsConfig tls = TlsConfig.fromEnv(env);
    String scheme = tls.scheme();
    String lifecycle = reader.url("LIFECYCLE_URL", scheme + "://127.0.0.1:" + lifecyclePort);
    String colour = reader.string("SITE_COLOR", "#1f4e79").strip();
    double hours = reader.positiveDouble("SESSION_TTL_HOURS", 12);
    return new DashboardConfig(
        reader.string("DASHBOARD_HOST", "127.0.0.1"),
        reader.port("DASHBOARD_PORT", 7203),
        URI.create(lifecycle),
        reader.url(
            "EXTERNAL_LIFECYCLE_URL", scheme + "://127.0.0.1:" + lifecyclePort + "/lifecycle"),
        reader.url("EXTERNAL_PUB_URL", scheme + "://127.0.0.1:" + pubPort + "/pub"),
        reader.optional("EXTERNAL_GRAFANA_URL").map(v -> reader.url("EXTERNAL_GRAFANA_URL", v)),
        reader.string("SITE_NAME", "Racetrack"),
        NAMED.getOrDefault(colour.toLowerCase(java.util.Locale.ROOT), colour),
        Duration.ofMinutes(Math.round(hours * 60)),
        reader.bool("DASHBOARD_HTTPS", false),
        tls);
  }
}
