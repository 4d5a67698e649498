package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PUB's composition root: a Jetty server with the gateway handler in front of the job proxy. */
public final class PubServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubServer.class);

  /** Longest silence of a job in the middle of a call (between bytes) before a 504. */
  private static final Duration JOB_READ_TIMEOUT = Duration.ofSeconds(90);

  /** Idle keep-alive connections are closed before jobs close them (the wrapper: 75 s). */
  private static final Duration UPSTREAM_MAX_IDLE = Duration.ofSeconds(50);

  private static final int MAX_IDLE_PER_JOB = 256;
  private static final int MAX_THREADS = 2048;

  private final JobProxy proxy;
  private final FastPath fastPath;
  private final PubMetrics metrics;
  private final PermitCache cache;
  private FrontServer front;
  private final Server server;
  private final ServerConnector connector;
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("pub-cache-sweeper").daemon().factory());

  private PubServer(PubConfig config, Clock clock, String version) {
    LOG.info("pub configuration: {}", config.describe());
    PubMetrics metrics = new PubMetrics();
    PermitCache cache = new PermitCache(config.cacheTtl(), config.staleTtl(), clock);
    HttpClient lifecycleHttp =
        HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    CallAuthorizer authorizer =
        new CallAuthorizer(
            new LifecycleClient(lifecycleHttp, config.lifecycleUrl(), config.internalToken()),
            cache,
            metrics);
    UpstreamPool upstreams =
        new UpstreamPool(
            config.connectTimeout(), JOB_READ_TIMEOUT, UPSTREAM_MAX_IDLE, MAX_IDLE_PER_JOB);
    JobCallSecrets secrets = new JobCallSecrets(config.jobCallKey());
    JobAnswerHeaders answerHeaders = new JobAnswerHeaders(config.webviewJobs());
    JobHost jobHosts = new JobHost(config.jobDomain());
    proxy = new JobProxy(metrics, cache, upstreams, secrets, answerHeaders);
    // a call waiting for its job holds a thread: allow many
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
    threads.setName("pub");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    if (config.eventLoopFront()) {
      http.addCustomizer(new FrontClientCustomizer());
    }
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    if (config.eventLoopFront()) {
      // only the front connects here; its pooled connections are closed by the front first
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      connector.setIdleTimeout(300_000);
    } else {
      connector.setHost(config.host());
      connector.setPort(config.port());
    }
    server.addConnector(connector);
    server.setHandler(
        new GatewayHandler(
            authorizer,
            cache,
            config.internalToken(),
            proxy,
            new SwaggerPages(),
            metrics,
            version,
            jobHosts,
            config.externalUrl()));
    sweeper.scheduleWithFixedDelay(cache::sweep, 1, 1, TimeUnit.MINUTES);
    sweeper.scheduleWithFixedDelay(upstreams::sweep, 10, 10, TimeUnit.SECONDS);
    this.fastPath = new FastPath(cache, secrets, answerHeaders, jobHosts);
    this.metrics = metrics;
    this.cache = cache;
  }

  /** Builds and starts PUB. */
  public static PubServer start(PubConfig config, Clock clock, String version) {
    PubServer pub = new PubServer(config, clock, version);
    try {
      pub.server.start();
      if (config.eventLoopFront()) {
        pub.front =
            new FrontServer(
                config.host(),
                config.port(),
                pub.connector.getLocalPort(),
                pub.fastPath,
                pub.metrics,
                pub.cache);
      }
    } catch (Exception e) {
      pub.close();
      throw new IllegalStateException(
          "PUB could not start on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
    LOG.info("pub listening on http://{}:{}/pub", config.host(), pub.port());
    return pub;
  }

  public int port() {
    return front != null ? front.port() : connector.getLocalPort();
  }

  @Override
  public void close() {
    if (front != null) {
      front.close();
    }
    sweeper.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("pub did not stop cleanly: {}", e.toString());
    }
    proxy.close();
  }
}
