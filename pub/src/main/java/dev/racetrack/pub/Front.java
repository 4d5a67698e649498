package dev.racetrack.pub;

import dev.racetrack.pub.upstream.RawRelay;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection: reads one request at a time (auto-read is off; what the codec decoded
 * beyond the message asked for, such as pipelined requests, is held until asked for), hands it to
 * the {@link Gateway}, writes the answer, and reads the next request only once both the request and
 * its answer have ended. A request head must arrive within the head deadline (slowloris); a request
 * refused by the codec (malformed, smuggling shapes, too large) is answered with 400/414/431 and
 * the connection closed, so nothing after it is read as a request.
 */
final class Front extends ChannelInboundHandlerAdapter {
  static final String TRACING_HEADER = "X-Request-Tracing-Id";

  private final Gateway gateway;
  private final long headTimeoutNanos;
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  private String tracingId = "";
  private boolean requestEnded;
  private boolean answered;
  private boolean keepAlive;
  private boolean hasBody;
  private boolean http10;
  private ConnectionTimer timer;
  private final RequestReader reader = new RequestReader(this::dispatch);
  private ClientConnection client;

  Front(Gateway gateway, long headTimeoutNanos) {
    this.gateway = gateway;
    this.headTimeoutNanos = headTimeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    reader.attach(ctx);
    this.client = new ClientConnection(ctx.channel());
    this.timer = ConnectionTimer.on(ctx.executor(), headTimeoutNanos, this::headTooSlow);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitRequest();
    ctx.fireChannelActive();
  }

  private void awaitRequest() {
    exchange = null;
    timer.awaitHead();
    reader.want();
  }

  /** The connection's one timer: it keeps the head deadline and the current call's deadline. */
  ConnectionTimer timer() {
    return timer;
  }

  private void headTooSlow() {
    if (exchange == null && ctx.channel().isActive()) {
      tracingId = RequestPaths.newTracingId();
      keepAlive = false;
      start(
          Exchange.reply(
              this, Answers.error(408, "the request head did not arrive in time", tracingId)));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reader.read(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      timer.headArrived();
      begin(request);
    }
    if (msg instanceof HttpContent content) {
      body(content);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void begin(HttpRequest request) {
    tracingId = RequestPaths.tracingId(request.headers().get(TRACING_HEADER));
    requestEnded = false;
    answered = false;
    http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    keepAlive = HttpUtil.isKeepAlive(request);
    hasBody = true;
    Throwable refused = request.decoderResult().cause();
    if (refused == null) {
      try {
        hasBody =
            HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) > 0;
      } catch (NumberFormatException e) {
        refused = e;
      }
    }
    if (refused != null) {
      keepAlive = false; // whatever follows is not to be read
      start(Exchange.reply(this, Answers.refusal(refused, tracingId)));
      return;
    }
    start(gateway.exchange(request, this));
  }

  private void start(Exchange next) {
    exchange = next;
    next.start(); // may end it and begin the next request: nothing may follow here
  }

  private void body(HttpContent content) {
    if (exchange == null) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      Throwable cause = content.decoderResult().cause();
      content.release();
      requestEnded = true;
      keepAlive = false;
      if (!answered) {
        exchange.clientGone();
        start(Exchange.reply(this, Answers.refusal(cause, tracingId)));
      } else {
        ctx.close();
      }
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (last) {
      requestEnded = true;
    }
    if (answered) {
      content.release();
      if (last) {
        finishIfDone();
      } else {
        reader.want();
      }
      return;
    }
    Exchange current = exchange;
    current.content(content);
    if (last && exchange == current) {
      finishIfDone(); // unless the exchange ended (and the next began) meanwhile
    }
  }

  /** What PUB keeps of this connection for its calls. */
  ClientConnection client() {
    return client;
  }

  /** The tracing id of the request being served. */
  String tracingId() {
    return tracingId;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  /** Reads the next piece of the request body. */
  void more() {
    reader.want();
  }

  boolean writable() {
    return ctx.channel().isWritable();
  }

  /**
   * Answers with a whole answer: PUB's own, or a job's that arrived whole; the rest of the request
   * is dropped.
   */
  void respond(FullHttpResponse response) {
    frame(response);
    answered = true;
    ended(ctx.writeAndFlush(response));
  }

  /** The head of a job's answer (written with its first piece of body). */
  void answerHead(HttpResponse head) {
    frame(head);
    ctx.write(head);
  }

  /** A piece of a job's answer; the last one ends the answer. */
  void answerPiece(HttpContent piece) {
    ChannelFuture written = ctx.writeAndFlush(piece);
    if (piece instanceof LastHttpContent) {
      answered = true;
      ended(written);
    }
  }

  /**
   * Answers with the job's 101 and hands the connection over to a byte relay with {@code job}
   * (websocket): PUB's HTTP handlers leave this connection.
   */
  void switchProtocols(FullHttpResponse switching, io.netty.channel.Channel job) {
    switching.headers().set(TRACING_HEADER, tracingId);
    answered = true;
    exchange = null;
    timer.stop();
    reader.stop();
    RawRelay.handOver(ctx, switching, job, reader::releaseHeld);
  }

  /** The answer cannot be completed (its head is out): the connection is closed. */
  void abort() {
    answered = true;
    keepAlive = false;
    ctx.close();
  }

  private void frame(HttpResponse response) {
    response.headers().set(TRACING_HEADER, tracingId);
    if (!requestEnded && hasBody) {
      keepAlive = false; // the rest of the body is not read: nothing after it is a request
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  private void ended(ChannelFuture written) {
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!requestEnded) {
      reader.want(); // the (empty) end of the request
      return;
    }
    finishIfDone();
  }

  private void finishIfDone() {
    if (requestEnded && answered && keepAlive && ctx.channel().isActive()) {
      awaitRequest();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.clientWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.stop();
    if (exchange != null && !answered) {
      exchange.clientGone();
    }
    exchange = null;
    client.clear();
    reader.releaseHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException && !answered && ctx.channel().isActive()) {
      // the codec gave up on the request: refuse it, and read nothing after it
      if (exchange != null) {
        exchange.clientGone();
      }
      hasBody = true;
      keepAlive = false;
      start(Exchange.reply(this, Answers.refusal(cause, tracingId)));
      return;
    }
    ctx.close();
  }
}
