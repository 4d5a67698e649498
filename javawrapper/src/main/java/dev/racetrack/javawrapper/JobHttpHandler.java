package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's HTTP requests: each is answered by {@link JobRoutes} on a virtual thread (job
 * code may block), and the answer is written back on the channel's event loop, in request order (a
 * pipelined request waits, with reading paused, until the one before it is answered). A call that
 * outlives the job's {@code call_timeout} is answered 504 and its thread interrupted. A WebSocket
 * upgrade to an endpoint of the job hands the connection to {@link JobWebSocketHandler}.
 *
 * <p>Every field is touched only on the channel's event loop.
 */
final class JobHttpHandler extends ChannelInboundHandlerAdapter {

  /** What every connection shares. */
  record Settings(
      JobRoutes routes,
      ExecutorService executor,
      Optional<Duration> callTimeout,
      AtomicInteger inFlight) {
    Settings {
      requireNonNull(routes, "routes");
      requireNonNull(executor, "executor");
      requireNonNull(callTimeout, "callTimeout");
      requireNonNull(inFlight, "inFlight");
    }
  }

  /** A request being answered. */
  private static final class Call {
    final boolean keepAlive;
    final boolean head;
    Future<?> task;
    ScheduledFuture<?> timer;
    boolean done;

    Call(boolean keepAlive, boolean head) {
      this.keepAlive = keepAlive;
      this.head = head;
    }
  }

  private final Settings settings;
  private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
  private Optional<Call> current = Optional.empty();

  JobHttpHandler(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (current.isPresent()) {
      pending.add(request);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(ctx, request);
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest http) {
    if (http.decoderResult().isFailure()) {
      String reason = JobLog.describe(http.decoderResult().cause());
      http.release();
      write(ctx, new Call(false, false), Response.error(400, "malformed request: " + reason));
      return;
    }
    Request request = toRequest(http);
    if (isUpgrade(http)) {
      upgrade(ctx, http, request);
      return;
    }
    Call call = new Call(HttpUtil.isKeepAlive(http), http.method().equals(HttpMethod.HEAD));
    http.release();
    current = Optional.of(call);
    settings.inFlight().incrementAndGet();
    call.task =
        settings
            .executor()
            .submit(
                () -> {
                  Response response = answer(request);
                  ctx.executor().execute(() -> finish(ctx, call, response));
                });
    settings
        .callTimeout()
        .ifPresent(
            limit ->
                call.timer =
                    ctx.executor()
                        .schedule(
                            () -> timeOut(ctx, call, limit),
                            limit.toNanos(),
                            TimeUnit.NANOSECONDS));
  }

  private Response answer(Request request) {
    try {
      return settings.routes().handle(request);
    } catch (IOException | RuntimeException e) {
      return Response.error(500, "internal error of the job wrapper: " + JobLog.describe(e));
    }
  }

  private void timeOut(ChannelHandlerContext ctx, Call call, Duration limit) {
    if (call.done) {
      return;
    }
    call.task.cancel(true); // interrupts the virtual thread running the job's code
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "error", "the job did not answer within its call_timeout of " + limit.toSeconds() + " s");
    body.put("type", "call_timeout");
    JobLog.warn("a call outlived the job's call_timeout of " + limit.toSeconds() + " s");
    finish(ctx, call, Response.json(504, body));
  }

  private void finish(ChannelHandlerContext ctx, Call call, Response response) {
    if (call.done) {
      return;
    }
    call.done = true;
    if (call.timer != null) {
      call.timer.cancel(false);
    }
    settings.inFlight().decrementAndGet();
    current = Optional.empty();
    write(ctx, call, response);
    if (!call.keepAlive) {
      releasePending();
      return;
    }
    FullHttpRequest next = pending.poll();
    if (next != null) {
      dispatch(ctx, next);
    } else if (!ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private static void write(ChannelHandlerContext ctx, Call call, Response response) {
    byte[] body = response.body();
    FullHttpResponse http =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            call.head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response.headers().forEach((name, value) -> http.headers().set(name, value));
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!call.keepAlive) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(http);
    if (!call.keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest http, Request request) {
    switch (settings.routes().webSocket(request)) {
      case JobRoutes.WebSocketRoute.Refuse refuse -> {
        http.release();
        write(ctx, new Call(false, false), refuse.response());
      }
      case JobRoutes.WebSocketRoute.Accept accept -> {
        JobWebSocketHandler.install(ctx.pipeline(), http.uri(), accept, request.context());
        releasePending();
        ctx.fireChannelRead(http); // the handshake handler answers 101 and swaps the codecs
        ctx.pipeline().remove(this);
      }
    }
  }

  private static boolean isUpgrade(FullHttpRequest http) {
    return http.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  private static Request toRequest(FullHttpRequest http) {
    String method = http.method().name();
    String path = new QueryStringDecoder(http.uri()).path();
    if (path.isEmpty()) {
      path = "/";
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    http.headers()
        .forEach(
            h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
    byte[] body = ByteBufUtil.getBytes(http.content());
    return new Request(
        method,
        path,
        "",
        new RequestContext(method, path, headers),
        new ByteArrayInputStream(body),
        OptionalLong.of(body.length));
  }

  private void releasePending() {
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releasePending();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset or broken connection: nothing to answer
  }
}
