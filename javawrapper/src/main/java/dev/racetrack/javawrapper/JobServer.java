package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The job's HTTP server: one Netty pipeline (native epoll where available, NIO otherwise) on a
 * single event loop thread. Netty parses requests ({@link HttpServerCodec}) and collects bodies up
 * to the body limit; {@link JobHttpHandler} runs the routes on virtual threads and writes the
 * answers back on the channel's event loop. It answers the probes at once and loads the entrypoint
 * in the background; the job is ready when the entrypoint is loaded.
 */
public final class JobServer implements AutoCloseable {
  /** One event loop is plenty: it only parses and writes; job code runs on virtual threads. */
  private static final int EVENT_LOOP_THREADS = 1;

  private static final int BACKLOG = 128;

  /**
   * Pooled direct buffers kept small: one arena, 512 KiB chunks, caches only on the event loop.
   * Netty's default (an arena per core, 4 MiB chunks) costs more resident memory than the job.
   */
  private static final ByteBufAllocator ALLOCATOR =
      new PooledByteBufAllocator(true, 0, 1, 8192, 6, 64, 16, false);

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ExecutorService executor;
  private final AtomicReference<JobState> state;
  private final AtomicInteger inFlight;

  private JobServer(
      EventLoopGroup group,
      Channel serverChannel,
      ExecutorService executor,
      AtomicReference<JobState> state,
      AtomicInteger inFlight) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.executor = executor;
    this.state = state;
    this.inFlight = inFlight;
  }

  /**
   * Starts serving on {@code config.httpAddr():config.httpPort()} and loads the entrypoint with
   * {@code loader} on a background thread.
   */
  public static JobServer start(JobConfig config, Callable<Entrypoint> loader) throws IOException {
    return start(config, loader, Clock.systemUTC());
  }

  static JobServer start(JobConfig config, Callable<Entrypoint> loader, Clock clock)
      throws IOException {
    requireNonNull(loader, "loader");
    AtomicReference<JobState> state = new AtomicReference<>(new JobState.Loading());
    AtomicInteger inFlight = new AtomicInteger();
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    JobRoutes routes = new JobRoutes(config, state::get, new JobMetrics(clock));
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS, new DefaultThreadFactory("job-http", false), io);
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    JobHttpHandler.Settings settings =
        new JobHttpHandler.Settings(routes, executor, config.callTimeout(), inFlight);
    Channel channel;
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(channelType)
              .option(ChannelOption.SO_BACKLOG, BACKLOG)
              .option(ChannelOption.ALLOCATOR, ALLOCATOR)
              .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast("http", new HttpServerCodec())
                          .addLast("body", new JobHttpAggregator(config.maxBodyBytes()))
                          .addLast("job", new JobHttpHandler(settings));
                    }
                  })
              .bind(new InetSocketAddress(config.httpAddr(), config.httpPort()))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("interrupted while binding the job's port", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException(
          "cannot listen on %s:%d: %s"
              .formatted(config.httpAddr(), config.httpPort(), JobLog.describe(e)),
          e);
    }
    JobServer jobServer = new JobServer(group, channel, executor, state, inFlight);
    JobLog.info(
        "job "
            + config.jobName()
            + " "
            + config.jobVersion()
            + " listening on "
            + config.httpAddr()
            + ":"
            + jobServer.port()
            + (epoll ? " (epoll)" : " (nio)"));
    Thread.ofPlatform().name("entrypoint-loader").daemon().start(() -> jobServer.load(loader));
    return jobServer;
  }

  private void load(Callable<Entrypoint> loader) {
    try {
      Entrypoint entrypoint = loader.call();
      state.set(new JobState.Ready(entrypoint));
      JobLog.info("job is ready: " + entrypoint);
    } catch (Throwable e) { // any failure, even an Error from a static initializer, is reported
      Throwable cause = unwrap(e);
      JobLog.error("failed to load the job entrypoint", cause);
      state.set(new JobState.Failed(JobLog.describe(cause)));
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof InvocationTargetException
            || current instanceof ExceptionInInitializerError)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** The port the server listens on (useful when started on port 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Whether the entrypoint is loaded (the job is ready). */
  public boolean ready() {
    return state.get() instanceof JobState.Ready;
  }

  /** Stops accepting connections and waits up to {@code grace} for calls in progress to finish. */
  public void stop(Duration grace) {
    JobLog.info("stopping, waiting up to " + grace.toSeconds() + " s for calls in progress");
    serverChannel.close().awaitUninterruptibly();
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10); // the shutdown hook polls the count of calls in progress
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    executor.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Stops at once. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
