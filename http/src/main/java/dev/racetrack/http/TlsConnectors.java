package dev.racetrack.http;

import dev.racetrack.tls.KeyReloader;
import dev.racetrack.tls.ServerKey;
import dev.racetrack.tls.TlsConfig;
import io.javalin.config.JettyConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for a Javalin server, the one place the Jetty servers (lifecycle, the image builder, the
 * dashboard) get it: with TLS on, the server listens with TLS on its port, plain HTTP is off except
 * the optional health port (serving {@code /live}, {@code /ready} and {@code /health} only), and
 * the certificate and key are reloaded when their files change.
 */
public final class TlsConnectors implements AutoCloseable {
  private static final Set<String> HEALTH_PATHS = Set.of("/live", "/ready", "/health");

  private final TlsConfig tls;
  private final Optional<SslContextFactory.Server> ssl;
  private Optional<KeyReloader> reloader = Optional.empty();

  public TlsConnectors(TlsConfig tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
    this.ssl = tls.server().map(files -> sslFactory(ServerKey.load(files)));
  }

  /**
   * Sets up the listening side of {@code jetty}: plain HTTP on {@code host:port} with TLS off; else
   * HTTPS there and plain HTTP for health only on the health port. Routes are matched against
   * {@code basePaths}.
   */
  public void install(JettyConfig jetty, String host, int port, List<String> basePaths) {
    jetty.host = host;
    jetty.port = port;
    if (ssl.isEmpty()) {
      return;
    }
    SslContextFactory.Server factory = ssl.get();
    jetty.addConnector(
        (server, httpConfig) -> {
          HttpConfiguration https = new HttpConfiguration(httpConfig);
          https.addCustomizer(new SecureRequestCustomizer(false));
          ServerConnector connector =
              new ServerConnector(
                  server,
                  new SslConnectionFactory(factory, HttpVersion.HTTP_1_1.asString()),
                  new HttpConnectionFactory(https));
          connector.setHost(host);
          connector.setPort(port);
          return connector;
        });
    tls.healthPort()
        .ifPresent(
            healthPort ->
                jetty.addConnector(
                    (server, httpConfig) -> {
                      ServerConnector connector =
                          new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                      connector.setName("health");
                      connector.setHost(host);
                      connector.setPort(healthPort);
                      return connector;
                    }));
    Filter healthOnly =
        (request, response, chain) -> {
          HttpServletRequest http = (HttpServletRequest) request;
          if (http.isSecure() || isHealth(http.getRequestURI(), basePaths)) {
            chain.doFilter(request, response);
          } else {
            HttpServletResponse out = (HttpServletResponse) response;
            out.setStatus(404);
            out.setContentType("application/json");
            out.getWriter()
                .write(
                    "{\"error\": \"only the health endpoints are served over plain HTTP\","
                        + " \"type\": \"NotFound\"}");
          }
        };
    jetty.modifyServletContextHandler(
        context ->
            context.addFilter(
                new FilterHolder(healthOnly), "/*", EnumSet.of(DispatcherType.REQUEST)));
  }

  /** Starts watching the certificate and key files (after the server started). */
  public synchronized void startReloading() {
    if (ssl.isPresent() && reloader.isEmpty()) {
      SslContextFactory.Server factory = ssl.get();
      reloader =
          Optional.of(
              KeyReloader.start(
                  tls,
                  key -> {
                    try {
                      factory.reload(f -> f.setKeyStore(key.keyStore()));
                    } catch (Exception e) {
                      throw new IllegalStateException(
                          "Jetty refused the new key: " + e.getMessage(), e);
                    }
                  }));
    }
  }

  /** The scheme clients use on the main port. */
  public String scheme() {
    return tls.scheme();
  }

  static boolean isHealth(String path, List<String> basePaths) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (String base : basePaths) {
      if (p.startsWith(base) && HEALTH_PATHS.contains(p.substring(base.length()))) {
        return true;
      }
    }
    return false;
  }

  private static SslContextFactory.Server sslFactory(ServerKey key) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(key.keyStore());
    factory.setKeyStorePassword(ServerKey.STORE_PASSWORD);
    factory.setKeyManagerPassword(ServerKey.STORE_PASSWORD);
    return factory;
  }

  @Override
  public synchronized void close() {
    reloader.ifPresent(KeyReloader::close);
    reloader = Optional.empty();
  }
}
