package dev.racetrack.pub;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on open client connections, in total and per client address: a connection over a cap is
 * answered 429 with {@code Retry-After} and closed before any of its requests is read.
 */
@ChannelHandler.Sharable
final class Connections extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<String> COUNTED = AttributeKey.valueOf("rt.counted");

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

  Connections(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    String address =
        ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress().getHostAddress()
            : "";
    ctx.channel().attr(COUNTED).set(address);
    int open = total.incrementAndGet();
    int mine = perAddress.merge(address, 1, Integer::sum);
    if (open > maxTotal || mine > maxPerAddress) {
      FullHttpResponse refusal =
          Answers.error(
              429,
              open > maxTotal
                  ? "PUB has too many open connections; try again later"
                  : "too many open connections from " + address + "; try again later",
              RequestPaths.newTracingId());
      refusal.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    String address = ctx.channel().attr(COUNTED).getAndSet(null);
    if (address != null) {
      total.decrementAndGet();
      perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
    ctx.fireChannelInactive();
  }
}
