package dev.racetrack.pub.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds what a job sends between its 101 answer and the start of the byte relay: a websocket job
 * may speak first (a greeting right after the handshake), and those bytes often arrive in the same
 * read as the 101 or before the client has been answered.
 */
final class EarlyBytes extends ChannelInboundHandlerAdapter {
  private final List<ByteBuf> held = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      held.add(bytes);
    } else if (msg instanceof ByteBufHolder holder && holder.content().isReadable()) {
      held.add(holder.content().retain());
      holder.release();
    } else {
      ReferenceCountUtil.release(msg); // the empty end of the 101 answer
    }
  }

  /** Sends what was held to {@code peer} and leaves {@code job}'s pipeline. */
  static void handOver(Channel job, Channel peer) {
    EarlyBytes early = job.pipeline().get(EarlyBytes.class);
    if (early == null) {
      return;
    }
    job.pipeline().remove(early);
    for (ByteBuf bytes : early.held) {
      peer.write(bytes);
    }
    early.held.clear();
    peer.flush();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    held.forEach(ReferenceCountUtil::release); // only when the relay never started
    held.clear();
  }
}
