package dev.racetrack.pub;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;

/**
 * On PUB's plain health port (with TLS on): lets the health probes through and answers anything
 * else with 404, closing the connection.
 */
final class HealthOnly extends ChannelInboundHandlerAdapter {
  private static final Set<String> HEALTH =
      Set.of("/live", "/ready", "/health", "/pub/live", "/pub/ready", "/pub/health");

  private boolean refusing;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      refusing =
          !HEALTH.contains(
              path.length() > 1 && path.endsWith("/")
                  ? path.substring(0, path.length() - 1)
                  : path);
      if (refusing) {
        ReferenceCountUtil.release(msg);
        FullHttpResponse answer =
            Answers.error(404, "only the health endpoints are served over plain HTTP", "");
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    if (refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
