package dev.racetrack.javawrapper;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The frames of one WebSocket session, handed to the job's {@link WebSocketHandler}. Netty's {@link
 * WebSocketServerProtocolHandler} does the handshake, pings and frame checks; {@link
 * WebSocketFrameAggregator} joins fragments. The job's callbacks run in order on the session's own
 * virtual thread; reading pauses while too many messages wait for the job.
 */
final class JobWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final int PAUSE_READING_AT = 64;
  private static final int RESUME_READING_AT = 16;
  private static final int NO_STATUS = 1005;
  private static final int ABNORMAL = 1006;

  private final WebSocketHandler handler;
  private final WebSocketSession session;
  private final ExecutorService callbacks;
  private final AtomicInteger queued = new AtomicInteger();
  private boolean open;
  private int closeCode = ABNORMAL;
  private String closeReason = "";

  private JobWebSocketHandler(WebSocketHandler handler, WebSocketSession session) {
    this.handler = handler;
    this.session = session;
    this.callbacks =
        Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("websocket-" + session.id()).factory());
  }

  /**
   * Adds the WebSocket handlers behind the HTTP ones; the upgrade request is then fired to them.
   */
  static void install(
      ChannelPipeline pipeline,
      String uri,
      JobRoutes.WebSocketRoute.Accept accept,
      RequestContext request) {
    int maxMessage = (int) Math.min(Integer.MAX_VALUE, accept.maxMessageBytes());
    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(uri)
            .checkStartsWith(false)
            .maxFramePayloadLength(maxMessage)
            .handleCloseFrames(false)
            .dropPongFrames(true)
            .build();
    WebSocketSession session = new WebSocketSession(pipeline.channel(), accept.path(), request);
    pipeline
        .addLast("websocket", new WebSocketServerProtocolHandler(config))
        .addLast("websocket-messages", new WebSocketFrameAggregator(maxMessage))
        .addLast("websocket-job", new JobWebSocketHandler(accept.handler(), session));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      open = true;
      run(ctx, () -> handler.onOpen(session));
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    switch (frame) {
      case TextWebSocketFrame text -> {
        String message = text.text();
        run(ctx, () -> handler.onText(session, message));
      }
      case BinaryWebSocketFrame binary -> {
        byte[] message = ByteBufUtil.getBytes(binary.content());
        run(ctx, () -> handler.onBinary(session, message));
      }
      case CloseWebSocketFrame close -> {
        closeCode = close.statusCode() < 0 ? NO_STATUS : close.statusCode();
        closeReason = close.reasonText();
        int answer = close.statusCode() < 0 ? 1000 : close.statusCode();
        ctx.writeAndFlush(new CloseWebSocketFrame(answer, ""))
            .addListener(ChannelFutureListener.CLOSE);
      }
      default -> {} // pings are answered by the protocol handler, pongs dropped
    }
  }

  private void run(ChannelHandlerContext ctx, Runnable callback) {
    if (queued.incrementAndGet() >= PAUSE_READING_AT) {
      ctx.channel().config().setAutoRead(false);
    }
    try {
      callbacks.execute(() -> invoke(ctx, callback));
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet(); // the session is closing
    }
  }

  private void invoke(ChannelHandlerContext ctx, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      JobLog.error("websocket endpoint " + session.path() + " failed", e);
      session.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error of the job");
    } finally {
      if (queued.decrementAndGet() == RESUME_READING_AT - 1) {
        ctx.channel().eventLoop().execute(() -> ctx.channel().config().setAutoRead(true));
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (open) {
      int code = closeCode;
      String reason = closeReason;
      run(ctx, () -> handler.onClose(session, code, reason));
    }
    callbacks.shutdown();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a broken connection or a frame breaking the protocol
  }
}
