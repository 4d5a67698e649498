package dev.racetrack.pub.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.util.Optional;

/**
 * The last handler of a pooled job connection: hands what the job sends to the call the connection
 * serves; anything arriving while the connection is idle in the pool closes it (a job never speaks
 * first). It also holds what the pool keeps of its connection (its job address, since when it is
 * idle, whether its idle timer runs), so giving a connection back needs no lookup by name or class.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final String address;
  private Optional<UpstreamListener> listener = Optional.empty();
  private Channel channel;
  private long idleSince;
  private boolean idleTimer;

  UpstreamHandler(String address) {
    this.address = address;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  /** The job address ({@code host:port} or {@code unix:/path}) this connection goes to. */
  String address() {
    return address;
  }

  /** The connection this handler serves (set when it joins the pipeline). */
  Channel channel() {
    return channel;
  }

  long idleSince() {
    return idleSince;
  }

  void idleSince(long nanos) {
    idleSince = nanos;
  }

  /** Marks the idle timer as running; false if it already was. */
  boolean startIdleTimer() {
    if (idleTimer) {
      return false;
    }
    idleTimer = true;
    return true;
  }

  void serve(UpstreamListener call) {
    listener = Optional.of(call);
  }

  void idle() {
    listener = Optional.empty();
  }

  boolean serving() {
    return listener.isPresent();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener.isEmpty() || !(msg instanceof HttpObject piece)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    listener.get().answer(piece);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    listener.ifPresent(l -> l.writabilityChanged(ctx.channel().isWritable()));
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Optional<UpstreamListener> serving = listener;
    listener = Optional.empty();
    serving.ifPresent(
        l -> l.failed(new EOFException("the job closed the connection before its answer ended")));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Optional<UpstreamListener> serving = listener;
    listener = Optional.empty();
    ctx.close();
    serving.ifPresent(l -> l.failed(cause));
  }
}
