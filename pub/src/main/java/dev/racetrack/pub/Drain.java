package dev.racetrack.pub;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful shutdown of the front: knows which client connections have a call in flight (a request
 * read, its response not yet fully written). When draining, idle connections are closed at once,
 * each busy one once its response is written (with {@code Connection: close}), and {@link #drain}
 * waits for the last call up to a limit.
 */
@ChannelHandler.Sharable
final class Drain extends ChannelDuplexHandler {
  private static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("rt.busy");

  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch idle = new CountDownLatch(1);
  private volatile boolean draining;

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channels.add(ctx.channel());
    if (draining) {
      ctx.close();
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest && !Boolean.TRUE.equals(ctx.channel().attr(BUSY).get())) {
      ctx.channel().attr(BUSY).set(true);
      inFlight.incrementAndGet();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean interim =
        msg instanceof HttpResponse r
            && r.status().codeClass() == HttpStatusClass.INFORMATIONAL
            && r.status().code() != 101; // 100 Continue: the call goes on
    if (draining && !interim && msg instanceof HttpResponse response) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (msg instanceof LastHttpContent && !interim) {
      promise.addListener(
          (ChannelFutureListener)
              written -> {
                finished(written.channel());
                if (draining) {
                  written.channel().close();
                }
              });
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finished(ctx.channel()); // a connection gone mid-call ends that call
    ctx.fireChannelInactive();
  }

  private void finished(Channel channel) {
    Boolean busy = channel.attr(BUSY).getAndSet(false);
    if (Boolean.TRUE.equals(busy) && inFlight.decrementAndGet() == 0 && draining) {
      idle.countDown();
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Stops taking calls on open connections, closes the idle ones and waits up to {@code limit} for
   * the calls in flight; returns how many were still running at the limit.
   */
  int drain(Duration limit) {
    draining = true;
    for (Channel channel : channels) {
      if (!Boolean.TRUE.equals(channel.attr(BUSY).get())) {
        channel.close();
      }
    }
    if (inFlight.get() == 0) {
      return 0;
    }
    try {
      idle.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return inFlight.get();
  }
}
