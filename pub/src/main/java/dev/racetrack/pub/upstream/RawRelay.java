package dev.racetrack.pub.upstream;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;

/**
 * Relays bytes one way after a protocol switch (a websocket upgrade): what {@code peer} cannot take
 * yet stops reading here (auto-read off until it is writable again), and a close on one side closes
 * the other once its bytes are out.
 */
public final class RawRelay extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  public RawRelay(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    peer.writeAndFlush(msg)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              }
            });
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // this side drained: the peer may read again
    if (ctx.channel().isWritable()) {
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * Writes the job's 101 {@code switching} on the client's connection ({@code client} is the
   * context of the client's HTTP handler), then drops the client's HTTP handlers ({@code dropHeld}
   * lets go of what they still hold) and joins it with {@code job}'s connection.
   */
  public static void handOver(
      ChannelHandlerContext client, Object switching, Channel job, Runnable dropHeld) {
    client
        .writeAndFlush(switching)
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                client.close();
                job.close();
                return;
              }
              ChannelPipeline pipeline = client.pipeline();
              pipeline.remove(HttpServerExpectContinueHandler.class);
              pipeline.remove(HttpServerCodec.class);
              pipeline.remove(client.handler());
              dropHeld.run();
              join(client.channel(), job);
            });
  }

  /** Joins two channels whose HTTP handlers are removed: bytes flow both ways. */
  public static void join(Channel a, Channel b) {
    a.pipeline().addLast(new RawRelay(b));
    b.pipeline().addLast(new RawRelay(a));
    a.config().setAutoRead(true);
    b.config().setAutoRead(true);
  }
}
