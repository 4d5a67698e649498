package dev.racetrack.pub.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {
  private static final String ADDRESS = "127.0.0.1:7000";
  private static final UpstreamListener CALL =
      new UpstreamListener() {
        @Override
        public void answer(HttpObject piece) {}

        @Override
        public void writabilityChanged(boolean writable) {}

        @Override
        public void failed(Throwable cause) {}
      };

  private final UpstreamPool pool =
      new UpstreamPool(
          new Transport(
              "embedded",
              NioIoHandler::newFactory,
              NioServerSocketChannel.class,
              EmbeddedChannel.class,
              EmbeddedChannel.class),
          PooledByteBufAllocator.DEFAULT,
          Duration.ofSeconds(1),
          Duration.ofSeconds(50),
          8);

  private static EmbeddedChannel jobConnection() {
    return new EmbeddedChannel(new UpstreamHandler(ADDRESS));
  }

  private static int scheduledTasks(Channel channel) throws ReflectiveOperationException {
    Field queue = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
    queue.setAccessible(true);
    Collection<?> tasks = (Collection<?>) queue.get(channel.eventLoop());
    return tasks == null ? 0 : tasks.size();
  }

  @Test
  void acquire_newConnection_usesThePoolsAllocator() throws Exception {
    ByteBufAllocator allocator = new PooledByteBufAllocator(false);
    UpstreamPool own =
        new UpstreamPool(
            Transport.NIO, allocator, Duration.ofSeconds(5), Duration.ofSeconds(50), 8);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (ServerSocket job = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EventLoop loop = group.next();
      String address = "127.0.0.1:" + job.getLocalPort();
      Channel channel =
          loop.submit(() -> own.acquire(loop, address, CALL))
              .get(10, TimeUnit.SECONDS)
              .get(10, TimeUnit.SECONDS);

      assertThat(channel.alloc()).isSameAs(allocator);
      channel.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void release_manyCallsOnOneConnection_keepsOneIdleTimer() throws Exception {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    for (int call = 0; call < 1_000; call++) {
      Channel borrowed = pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
      assertThat(borrowed).isSameAs(channel);
      pool.release(channel);
    }
    assertThat(scheduledTasks(channel)).isEqualTo(1);
  }

  @Test
  void release_connectionKnownByItsHandlerAlone_isPooledUnderItsAddressAndLentAgain() {
    EmbeddedChannel channel = jobConnection(); // no channel attribute: the handler holds it all

    pool.release(channel);

    assertThat(channel.isOpen()).isTrue();
    assertThat(pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow()).isSameAs(channel);
  }

  @Test
  void release_connectionWithoutThePoolsHandlerLast_isClosedNotPooled() {
    EmbeddedChannel channel =
        new EmbeddedChannel(new UpstreamHandler(ADDRESS), new ChannelInboundHandlerAdapter());

    pool.release(channel);

    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void release_idleForMaxIdle_closesTheConnection() {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
    pool.release(channel); // used again: idle from now on
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(21, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void release_busyAtMaxIdle_keepsTheConnection() {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
    channel.advanceTimeBy(120, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
  }

  /**
   * A job behind a relay's Unix socket ({@code unix:/path}): PUB connects to it with the Unix
   * socket channel of its transport (NIO everywhere; epoll and io_uring where their native
   * libraries load).
   */
  @Test
  void acquire_unixAddress_connectsToTheSocket() throws Exception {
    List<Transport> transports = new ArrayList<>();
    transports.add(Transport.NIO);
    if (Epoll.isAvailable()) {
      transports.add(Transport.choose("epoll"));
    }
    if (IoUring.isAvailable()) {
      transports.add(Transport.choose("io_uring"));
    }
    for (Transport transport : transports) {
      Path dir = Files.createTempDirectory("rt-trust-pool");
      Path socket = dir.resolve("job.sock");
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers().get());
      try (ServerSocketChannel job = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        job.bind(UnixDomainSocketAddress.of(socket));
        UpstreamPool own =
            new UpstreamPool(
                transport,
                PooledByteBufAllocator.DEFAULT,
                Duration.ofSeconds(5),
                Duration.ofSeconds(50),
                8);
        EventLoop loop = group.next();
        Channel channel =
            loop.submit(() -> own.acquire(loop, "unix:" + socket, CALL))
                .get(10, TimeUnit.SECONDS)
                .get(10, TimeUnit.SECONDS);
        try (java.nio.channels.SocketChannel accepted = job.accept()) {
          assertThat(accepted).as(transport.name()).isNotNull();
          assertThat(channel.isActive()).as(transport.name()).isTrue();
        }
        channel.close().sync();
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Files.deleteIfExists(socket);
        Files.delete(dir);
      }
    }
  }

  @Test
  void acquire_relativeUnixPath_failsNamingTheAddress() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      UpstreamPool own =
          new UpstreamPool(
              Transport.NIO,
              PooledByteBufAllocator.DEFAULT,
              Duration.ofSeconds(5),
              Duration.ofSeconds(50),
              8);
      EventLoop loop = group.next();
      var future =
          loop.submit(() -> own.acquire(loop, "unix:job.sock", CALL)).get(10, TimeUnit.SECONDS);
      future.await(10, TimeUnit.SECONDS);
      assertThat(future.cause()).hasMessageContaining("unix:job.sock");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
