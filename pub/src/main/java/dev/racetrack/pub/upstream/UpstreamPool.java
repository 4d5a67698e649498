package dev.racetrack.pub.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to jobs, pooled per event loop and per job address: a call borrows a
 * connection on its caller's event loop (so both sides of a call run on one thread, without locks)
 * and gives it back when the job's answer ended cleanly. A pooled connection found closed is
 * skipped before any byte of the call is written to it, the only case where a call may go to
 * another connection. Idle connections are closed after {@code maxIdle} (before jobs close them).
 */
public final class UpstreamPool {
  private final Transport transport;
  private final ByteBufAllocator allocator;
  private final Duration connectTimeout;
  private final Duration maxIdle;
  private final int maxIdlePerAddress;
  private final FastThreadLocal<Map<String, ArrayDeque<UpstreamHandler>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<UpstreamHandler>> initialValue() {
          return new HashMap<>();
        }
      };

  /**
   * {@code transport}: the one of the event loops calls are made on; {@code allocator}: the buffers
   * of job connections (PUB's own, see {@code PubServer}).
   */
  public UpstreamPool(
      Transport transport,
      ByteBufAllocator allocator,
      Duration connectTimeout,
      Duration maxIdle,
      int maxIdlePerAddress) {
    this.transport = transport;
    this.allocator = allocator;
    this.connectTimeout = connectTimeout;
    this.maxIdle = maxIdle;
    this.maxIdlePerAddress = maxIdlePerAddress;
  }

  /**
   * A connection to {@code host:port} serving {@code call}, on {@code loop} (the caller's); must be
   * called on that loop. A refused or timed-out connect fails the future.
   */
  public Future<Channel> acquire(EventLoop loop, String address, UpstreamListener call) {
    ArrayDeque<UpstreamHandler> pooled = idle.get().get(address);
    while (pooled != null && !pooled.isEmpty()) {
      UpstreamHandler handler = pooled.pollLast();
      if (handler.channel().isActive()) {
        handler.serve(call);
        return loop.newSucceededFuture(handler.channel());
      }
    }
    Promise<Channel> promise = loop.newPromise();
    boolean unix = address.startsWith(UNIX_PREFIX);
    SocketAddress remote;
    try {
      remote = unix ? domainAddress(address) : inetAddress(address);
    } catch (IllegalArgumentException e) {
      return promise.setFailure(new java.net.ConnectException(e.getMessage()));
    }
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(unix ? transport.domainChannel() : transport.tcpChannel())
            .option(ChannelOption.ALLOCATOR, allocator)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    if (!unix) {
      bootstrap.option(ChannelOption.TCP_NODELAY, true);
    }
    ChannelFuture connect =
        bootstrap
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32_768, 131_072))
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(
                                new HttpDecoderConfig()
                                    .setMaxInitialLineLength(8192)
                                    .setMaxHeaderSize(65_536)
                                    .setMaxChunkSize(65_536)
                                    .setValidateHeaders(true)
                                    .setStrictLineParsing(true)
                                    .setUseRfc9112TransferEncoding(true)
                                    .setAllowDuplicateContentLengths(false),
                                false,
                                false))
                        .addLast(new UpstreamHandler(address));
                  }
                })
            .connect(remote);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            Channel channel = connect.channel();
            channel.pipeline().get(UpstreamHandler.class).serve(call);
            promise.setSuccess(channel);
          } else {
            promise.setFailure(f.cause());
          }
        });
    return promise;
  }

  /**
   * A job reachable only through a Unix socket (a container in its own network namespace behind a
   * relay) has the address {@code unix:/path/to/socket}.
   */
  public static final String UNIX_PREFIX = "unix:";

  private static SocketAddress inetAddress(String address) {
    int colon = address.lastIndexOf(':');
    try {
      return InetSocketAddress.createUnresolved(
          address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a job address (host:port): " + address, e);
    }
  }

  private SocketAddress domainAddress(String address) {
    String path = address.substring(UNIX_PREFIX.length());
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not a job address (unix:/absolute/path): " + address);
    }
    return transport.domainAddress(path);
  }

  /**
   * Gives back a connection whose call ended cleanly (on its event loop); else closes it. The
   * pool's handler is the last of a pooled connection's pipeline, so finding it is one read, not a
   * search of the pipeline by class (a detached connection has none: it is closed).
   */
  public void release(Channel channel) {
    if (!(channel.pipeline().last() instanceof UpstreamHandler handler) || !channel.isActive()) {
      channel.close();
      return;
    }
    handler.idle();
    channel.config().setAutoRead(true); // notice a close by the job while idle
    ArrayDeque<UpstreamHandler> pooled =
        idle.get().computeIfAbsent(handler.address(), a -> new ArrayDeque<>());
    if (pooled.size() >= maxIdlePerAddress) {
      channel.close();
      return;
    }
    handler.idleSince(channel.eventLoop().ticker().nanoTime());
    pooled.addLast(handler);
    if (handler.startIdleTimer()) {
      scheduleIdleCheck(channel, handler, pooled, maxIdle.toNanos());
    }
  }

  /**
   * One idle timer per connection (not one per call, which under load would pile up a call rate
   * times {@code maxIdle} of scheduled tasks): when it fires, a connection idle for {@code maxIdle}
   * is closed, else the timer is set again for when it could be.
   */
  private void scheduleIdleCheck(
      Channel channel,
      UpstreamHandler handler,
      ArrayDeque<UpstreamHandler> pooled,
      long delayNanos) {
    channel
        .eventLoop()
        .schedule(
            () -> {
              if (!channel.isActive() || channel.pipeline().get(UpstreamHandler.class) != handler) {
                return; // closed, or detached for a protocol switch: no longer pooled
              }
              long next = maxIdle.toNanos();
              if (!handler.serving()) {
                long idleFor = channel.eventLoop().ticker().nanoTime() - handler.idleSince();
                if (idleFor >= maxIdle.toNanos()) {
                  pooled.remove(handler);
                  channel.close();
                  return;
                }
                next = maxIdle.toNanos() - idleFor;
              }
              scheduleIdleCheck(channel, handler, pooled, next);
            },
            delayNanos,
            TimeUnit.NANOSECONDS);
  }

  /**
   * Takes a connection out of HTTP service for good (a protocol switch): its HTTP handlers are
   * removed, bytes the codec still holds pass on to the next handler added.
   */
  public void detach(Channel channel) {
    channel.config().setAutoRead(false);
    UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
    if (handler != null) {
      handler.idle();
      channel.pipeline().remove(handler);
    }
    channel.pipeline().remove(HttpClientCodec.class);
  }

  /** Closes a connection that cannot serve another call. */
  public void discard(Channel channel) {
    UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
    if (handler != null) {
      handler.idle();
    }
    channel.close();
  }

  /** Gives {@code channel} back: to the pool when it may carry another call, else closed. */
  public void giveBack(Channel channel, boolean reusable) {
    if (reusable) {
      release(channel);
    } else {
      discard(channel);
    }
  }
}
