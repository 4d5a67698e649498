package dev.racetrack.http;

import dev.racetrack.model.Json;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.tls.TlsConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A Javalin server with the platform's conventions: JSON via the shared mapper, virtual threads,
 * the error mapping, request tracing ids, access logs without health noise, {@code /metrics} and
 * every route mounted under each base path.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final Set<String> QUIET_PATHS = Set.of("/live", "/ready", "/health", "/metrics");
  private static final String ROUTINE = "racetrack.routine-request";

  private final Javalin app;
  private final Settings settings;
  private final TlsConnectors tls;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param service component name, used in logs and as the title of its API docs
   * @param version the platform version shown in the API docs
   * @param host address to listen on
   * @param port port, 0 for any free one
   * @param basePaths prefixes to mount every route under, e.g. {@code ""} and {@code /lifecycle}
   * @param maxRequestBytes largest request body accepted on the routes of {@code largeBodyPaths}
   * @param maxSmallBodyBytes largest request body on every other route (JSON APIs, anonymous
   *     routes): refused from its Content-Length before anything is read, and while reading
   * @param largeBodyPaths routes (without base path) allowed {@code maxRequestBytes}; an entry
   *     ending in {@code /} stands for every route under it
   * @param clientAddress which proxies' forwarding headers to trust
   * @param maxConnectionsPerAddress open connections one client address may hold (0: no limit)
   */
  public record Settings(
      String service,
      String version,
      String host,
      int port,
      List<String> basePaths,
      long maxRequestBytes,
      long maxSmallBodyBytes,
      Set<String> largeBodyPaths,
      ClientAddress clientAddress,
      int maxConnectionsPerAddress) {
    public Settings {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(clientAddress, "clientAddress");
      basePaths = List.copyOf(basePaths);
      largeBodyPaths = Set.copyOf(largeBodyPaths);
      if (basePaths.isEmpty()) {
        throw new IllegalArgumentException("at least one base path");
      }
    }

    /** One body limit for every route, no trusted proxies. */
    public Settings(
        String service,
        String version,
        String host,
        int port,
        List<String> basePaths,
        long maxRequestBytes) {
      this(
          service,
          version,
          host,
          port,
          basePaths,
          maxRequestBytes,
          maxRequestBytes,
          Set.of(),
          new ClientAddress(Set.of()),
          0);
    }
  }

  public ApiServer(Settings settings, PrometheusMeterRegistry metrics, List<Routes> features) {
    this(settings, TlsConfig.OFF, metrics, features);
  }

  /** A server serving HTTPS when {@code tls} says so (see {@link TlsConnectors}). */
  public ApiServer(
      Settings settings, TlsConfig tls, PrometheusMeterRegistry metrics, List<Routes> features) {
    this.settings = settings;
    this.tls = new TlsConnectors(tls);
    Counter started = Counter.builder("commons_requests_started").register(metrics);
    Counter done = Counter.builder("commons_requests_done").register(metrics);
    Counter serverErrors = Counter.builder("commons_internal_server_errors").register(metrics);
    Counter scrapes = Counter.builder("metrics_scrapes").register(metrics);

    Timer duration =
        Timer.builder("commons_request_duration").publishPercentileHistogram().register(metrics);
    this.app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.concurrency.useVirtualThreads = true;
              cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
              cfg.http.maxRequestSize = settings.maxRequestBytes();
              cfg.http.defaultContentType = "application/json";
              this.tls.install(cfg.jetty, settings.host(), settings.port(), settings.basePaths());
              cfg.router.ignoreTrailingSlashes = true;
              // tracks requests in progress, so that close(grace) lets them answer before stopping
              cfg.jetty.modifyServer(
                  server ->
                      server.setHandler(new org.eclipse.jetty.server.handler.GracefulHandler()));
              cfg.jetty.modifyServletContextHandler(
                  context -> features.forEach(f -> f.mountServlets(context, settings.basePaths())));
              cfg.contextResolver.ip = ctx -> settings.clientAddress().client(ctx);
              cfg.contextResolver.scheme = ctx -> settings.clientAddress().scheme(ctx);
              cfg.routes.before(
                  ctx -> {
                    long limit = bodyLimit(ctx);
                    ctx.attribute(JsonBodies.LIMIT_ATTRIBUTE, limit);
                    if (ctx.req().getContentLengthLong() > limit) {
                      throw new PayloadTooLargeException(
                          "request body is above the limit of "
                              + ApiErrors.size(limit)
                              + " for "
                              + relativePath(ctx));
                    }
                    String id = Tracing.incomingOrNew(ctx.header(Tracing.TRACING_HEADER));
                    ctx.attribute(Tracing.ATTRIBUTE, id);
                    ctx.header(Tracing.TRACING_HEADER, id);
                    MDC.put("tracing_id", id);
                    started.increment();
                  });
              cfg.requestLogger.http(
                  (ctx, millis) -> {
                    done.increment();
                    duration.record((long) (millis * 1000), TimeUnit.MICROSECONDS);
                    if (ctx.statusCode() >= 500) {
                      serverErrors.increment();
                    }
                    logAccess(ctx, millis);
                    MDC.remove("tracing_id");
                  });
              ApiErrors.install(cfg.routes, settings.maxRequestBytes());
              RouteTable table = new RouteTable(cfg.routes, settings.basePaths());
              table.get(
                  "/metrics",
                  ctx -> {
                    scrapes.increment();
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape());
                  });

              features.forEach(feature -> feature.register(table));
              new ApiDocs(settings.service(), settings.version()).register(table);
            });
  }

  private long bodyLimit(Context ctx) {
    String path = relativePath(ctx);
    boolean large =
        settings.largeBodyPaths().contains(path)
            || settings.largeBodyPaths().stream()
                .anyMatch(p -> p.endsWith("/") && path.startsWith(p));
    return large ? settings.maxRequestBytes() : settings.maxSmallBodyBytes();
  }

  private String relativePath(Context ctx) {
    String path = ctx.path();
    for (String base : settings.basePaths()) {
      if (!base.isEmpty() && path.startsWith(base)) {
        path = path.substring(base.length());
      }
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /**
   * Marks the request as routine (a periodic poll that found nothing to do): its access-log line
   * goes to DEBUG unless it failed, so a loop polling every few seconds does not fill the log.
   */
  public static void routine(Context ctx) {
    ctx.attribute(ROUTINE, Boolean.TRUE);
  }

  private void logAccess(Context ctx, float millis) {
    String path = relativePath(ctx);
    if (QUIET_PATHS.contains(path) && ctx.statusCode() < 400) {
      return;
    }
    boolean routine = Boolean.TRUE.equals(ctx.attribute(ROUTINE)) && ctx.statusCode() < 400;
    if (routine && !LOG.isDebugEnabled()) {
      return;
    }
    String caller = ctx.header(Tracing.CALLER_HEADER);
    String line =
        String.format(
            Locale.ROOT,
            "%s %s %d %.1f ms%s",
            ctx.method(),
            ctx.path(),
            ctx.statusCode(),
            millis,
            caller == null ? "" : " caller=" + caller);
    if (routine) {
      LOG.debug("{}", line);
    } else {
      LOG.info("{}", line);
    }
  }

  /** Starts listening. */
  public ApiServer start() {
    app.start();
    if (settings.maxConnectionsPerAddress() > 0) {
      ConnectionsPerAddress limit =
          new ConnectionsPerAddress(settings.maxConnectionsPerAddress(), settings.clientAddress());
      for (org.eclipse.jetty.server.Connector connector :
          app.jettyServer().server().getConnectors()) {
        connector.addEventListener(limit);
      }
    }
    tls.startReloading();
    LOG.info(
        "{} listening on {}://{}:{}{}",
        settings.service(),
        tls.scheme(),
        settings.host(),
        port(),
        settings.basePaths().getLast());
    return this;
  }

  /** The port listened on (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** The plain HTTP port serving health endpoints, when TLS is on and one was configured. */
  public java.util.Optional<Integer> healthPort() {
    return java.util.Arrays.stream(app.jettyServer().server().getConnectors())
        .filter(c -> "health".equals(c.getName()))
        .map(c -> ((org.eclipse.jetty.server.ServerConnector) c).getLocalPort())
        .findFirst();
  }

  /** Stops at once, cutting requests in progress; a second call does nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      tls.close();
      app.stop();
    }
  }

  /**
   * Stops gracefully: no new connections or requests are taken, the requests in progress get up to
   * {@code grace} to answer (a build that ended is still writing its result), then the server
   * stops, cutting the ones left.
   */
  public void close(java.time.Duration grace) {
    app.jettyServer().server().setStopTimeout(Math.max(1, grace.toMillis()));
    try {
      close();
    } catch (RuntimeException e) {
      if (!(rootCause(e) instanceof java.util.concurrent.TimeoutException)) {
        throw e;
      }
      // Jetty stopped everything, then reports the requests it had to cut
      LOG.warn(
          "{}: requests still in progress after {} ms: cut", settings.service(), grace.toMillis());
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
