package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.async.AsyncCallClient;
import dev.racetrack.pub.async.AsyncCalls;
import dev.racetrack.pub.async.AsyncConfig;
import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.pub.async.JobClient;
import dev.racetrack.pub.upstream.Transport;
import dev.racetrack.pub.upstream.UpstreamPool;
import dev.racetrack.tls.TlsConfig;
import dev.racetrack.tls.TrustedCa;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUB's composition root: one Netty pipeline on PUB's port (on the {@link Transport} of {@code
 * PUB_TRANSPORT}) whose event loops also own the pooled connections to jobs.
 */
public final class PubServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubServer.class);

  /** Idle keep-alive connections are closed before jobs close them (the wrapper: 75 s). */
  private static final Duration UPSTREAM_MAX_IDLE = Duration.ofSeconds(50);

  private static final int MAX_IDLE_PER_JOB = 256;

  /**
   * The buffers of PUB's connections (clients' and jobs'): Netty's pooled allocator, whose
   * per-thread caches serve the small, short-lived buffers of a proxied call with less work than
   * Netty 4.2's default (adaptive) allocator (docs/benchmarks.md, "PUB speed").
   */
  static final ByteBufAllocator BUFFERS = PooledByteBufAllocator.DEFAULT;

  /** How long {@link #close()} lets calls in flight finish. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

  private final EventLoopGroup group;
  private final HttpClient lifecycleHttp;
  private final Drain drain = new Drain();
  private Channel server;
  private Optional<Channel> healthServer = Optional.empty();
  private AutoCloseable asyncCalls = () -> {};
  private AutoCloseable tls = () -> {};

  private PubServer(EventLoopGroup group, HttpClient lifecycleHttp) {
    this.group = group;
    this.lifecycleHttp = lifecycleHttp;
  }

  /** Builds and starts PUB without async calls. */
  public static PubServer start(PubConfig config, Clock clock, String version) {
    return start(config, clock, version, AsyncEndpoint.NONE);
  }

  /**
   * Builds and starts PUB with its async job calls (reference §14), tasks kept in lifecycle's
   * store.
   */
  public static PubServer start(
      PubConfig config, AsyncConfig asyncConfig, Clock clock, String version) {
    return start(
        config,
        clock,
        version,
        (authorizer, lifecycle, metrics, jobs) -> {
          HttpClient http =
              TrustedCa.trusting(
                      HttpClient.newBuilder()
                          .version(HttpClient.Version.HTTP_1_1)
                          .connectTimeout(config.connectTimeout()),
                      config.tls().clientTrust())
                  .build();
          return new AsyncCalls(
                  asyncConfig,
                  new AsyncGate(authorizer, lifecycle),
                  new AsyncCallClient(http, config.lifecycleUrl(), config.internalToken()),
                  new JobClient(
                      jobs.pool(),
                      jobs.loops(),
                      new JobCallSecrets(config.jobCallKey()),
                      asyncConfig.callTimeout()),
                  metrics.registry(),
                  clock)
              .start();
        });
  }

  /** Builds and starts PUB; {@code async} serves {@code /pub/async/} and adopts late calls. */
  public static PubServer start(
      PubConfig config, Clock clock, String version, AsyncEndpoint async) {
    return start(config, clock, version, (authorizer, lifecycle, metrics, jobs) -> async);
  }

  /** PUB's connections to jobs and the event loops they live on. */
  private record JobConnections(UpstreamPool pool, EventLoopGroup loops) {}

  /** Makes PUB's async endpoint from PUB's own parts. */
  private interface AsyncFactory {
    AsyncEndpoint make(
        CallAuthorizer authorizer,
        LifecycleClient lifecycle,
        PubMetrics metrics,
        JobConnections jobs);
  }

  private static PubServer start(
      PubConfig config, Clock clock, String version, AsyncFactory async) {
    LOG.info("pub configuration: {}", config.describe());
    Transport transport;
    try {
      transport = Transport.choose(config.transport());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("PUB could not start: " + e.getMessage(), e);
    }
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            config.limits().eventLoops(),
            new DefaultThreadFactory("pub", true),
            transport.ioHandlers().get());
    HttpClient lifecycleHttp =
        TrustedCa.trusting(
                HttpClient.newBuilder().connectTimeout(config.connectTimeout()),
                config.tls().clientTrust())
            .build();
    PubServer pub = new PubServer(group, lifecycleHttp);
    try {
      pub.bind(config, clock, version, async, transport);
    } catch (RuntimeException e) {
      pub.close();
      throw new IllegalStateException(
          "PUB could not start on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
    LOG.info(
        "pub listening on {}://{}:{}/pub ({}){}",
        config.tls().scheme(),
        config.host(),
        pub.port(),
        transport.name(),
        pub.healthPort().map(p -> ", health on http://" + config.host() + ":" + p).orElse(""));
    return pub;
  }

  private void bind(
      PubConfig config,
      Clock clock,
      String version,
      AsyncFactory asyncFactory,
      Transport transport) {
    PubMetrics metrics = new PubMetrics();
    PermitCache cache = new PermitCache(config.cacheTtl(), config.staleTtl(), clock);
    LifecycleClient lifecycle =
        new LifecycleClient(lifecycleHttp, config.lifecycleUrl(), config.internalToken());
    CallAuthorizer authorizer = new CallAuthorizer(lifecycle, cache, metrics);
    UpstreamPool pool =
        new UpstreamPool(
            transport, BUFFERS, config.connectTimeout(), UPSTREAM_MAX_IDLE, MAX_IDLE_PER_JOB);
    AsyncEndpoint async =
        asyncFactory.make(authorizer, lifecycle, metrics, new JobConnections(pool, group));
    if (async instanceof AutoCloseable closeable) {
      asyncCalls = closeable;
    }
    PubLimits limits = config.limits();
    JobCalls jobCalls =
        new JobCalls(
            authorizer,
            cache,
            metrics,
            new JobCalls.Jobs(
                pool,
                new JobCallSecrets(config.jobCallKey()),
                new JobAnswerHeaders(config.webviewJobs())),
            async,
            limits.callTimeout(),
            limits.maxBody());
    Gateway gateway =
        new Gateway(
            jobCalls,
            cache,
            metrics,
            new Gateway.Settings(
                config.internalToken(),
                version,
                new JobHost(config.jobDomain()),
                new TokenForm(config.externalUrl(), config.tls().enabled()),
                async,
                limits.maxBody()));
    Connections connections =
        new Connections(limits.maxConnections(), limits.maxConnectionsPerAddress());
    HttpDecoderConfig strict =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setMaxChunkSize(65_536)
            .setValidateHeaders(true)
            .setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true)
            .setAllowDuplicateContentLengths(false)
            .setAllowPartialChunks(true);
    long headTimeoutNanos = limits.headTimeout().toNanos();
    Class<? extends ServerChannel> serverType = transport.serverChannel();
    PubTls pubTls = PubTls.of(config.tls());
    tls = pubTls;
    Pipeline pipeline = new Pipeline(strict, gateway, connections, drain, headTimeoutNanos);
    server =
        bootstrap(serverType, pipeline.initializer(pubTls, false))
            .bind(config.host(), config.port())
            .syncUninterruptibly()
            .channel();
    if (config.tls().healthPort().isPresent()) {
      healthServer =
          Optional.of(
              bootstrap(serverType, pipeline.initializer(PubTls.of(TlsConfig.OFF), true))
                  .bind(config.host(), config.tls().healthPort().get())
                  .syncUninterruptibly()
                  .channel());
    }
    group.next().scheduleWithFixedDelay(cache::sweep, 1, 1, TimeUnit.MINUTES);
  }

  /** The parts of every connection's pipeline. */
  private record Pipeline(
      HttpDecoderConfig strict,
      Gateway gateway,
      Connections connections,
      Drain drain,
      long headTimeoutNanos) {
    ChannelInitializer<Channel> initializer(PubTls tls, boolean healthOnly) {
      return new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          tls.addTo(ch);
          ch.pipeline().addLast(new HttpServerCodec(strict.clone()));
          if (healthOnly) {
            ch.pipeline().addLast(new HealthOnly());
          }
          ch.pipeline()
              .addLast(drain)
              .addLast(connections)
              .addLast(new HttpServerExpectContinueHandler())
              .addLast(new Front(gateway, headTimeoutNanos));
        }
      };
    }
  }

  private ServerBootstrap bootstrap(
      Class<? extends ServerChannel> serverType, ChannelInitializer<Channel> initializer) {
    return new ServerBootstrap()
        .group(group)
        .channel(serverType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.ALLOCATOR, BUFFERS)
        .childOption(ChannelOption.ALLOCATOR, BUFFERS)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(
            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32_768, 131_072))
        .childHandler(initializer);
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The plain HTTP port serving only health probes, when TLS is on and one is configured. */
  public Optional<Integer> healthPort() {
    return healthServer.map(c -> ((InetSocketAddress) c.localAddress()).getPort());
  }

  /** Stops gracefully, letting calls in flight finish for up to {@link #DEFAULT_DRAIN}. */
  @Override
  public void close() {
    close(DEFAULT_DRAIN);
  }

  /**
   * Stops accepting connections, lets the calls in flight finish for up to {@code drainLimit} (idle
   * keep-alive connections are closed at once), then closes everything.
   */
  public void close(Duration drainLimit) {
    healthServer.ifPresent(c -> c.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
    try {
      tls.close();
    } catch (Exception e) {
      LOG.warn("pub's certificate reloading did not stop cleanly: {}", e.toString());
    }
    if (server != null) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      int cut = drain.drain(drainLimit);
      if (cut > 0) {
        LOG.warn("pub stopping with {} call(s) still in flight after {}", cut, drainLimit);
      } else {
        LOG.info("pub stopped accepting; no call in flight");
      }
    }
    try {
      asyncCalls.close();
    } catch (Exception e) {
      LOG.warn("pub's async calls did not stop cleanly: {}", e.toString());
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    lifecycleHttp.shutdownNow();
  }
}
