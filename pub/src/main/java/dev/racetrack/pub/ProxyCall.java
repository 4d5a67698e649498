package dev.racetrack.pub;

import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import dev.racetrack.pub.upstream.UpstreamListener;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One authorized call streamed to its job and back on the caller's event loop: the request head and
 * body go out piece by piece as the job's connection can take them, the answer comes back piece by
 * piece as the client can take it (auto-read off while the other side is not writable). The
 * answer's head is written with its first piece of body, so a job that fails before any body gets
 * PUB's 502 instead of half an answer. The job must start answering within its call timeout (504,
 * or with {@code Prefer: respond-async} the call becomes an async task).
 */
final class ProxyCall implements UpstreamListener {
  /** Where the call goes: the path after the job's version, and the request's route. */
  record Target(String jobPath, JobCall.Route routed) {}

  private final JobCalls calls;
  private final Front front;
  private final HttpRequest request;
  private final CallPermit permit;
  private final Target target;
  private final String tracingId;
  private final PubMetrics.JobMeters meters;
  private final long started = System.nanoTime();
  private final boolean preferAsync;
  private final boolean upgrade;

  /** The client's head as it came, kept only for a call an async task may take over. */
  private final HttpRequest original;

  private Channel upstream;
  private HttpResponse answerHead;
  private boolean upstreamKeepAlive;
  private boolean requestSent;
  private boolean headWritten;
  private boolean waitingWritable;
  private boolean finished;
  private boolean slotTaken;
  private CompositeByteBuf kept;
  private Adoption adoption;

  ProxyCall(JobCalls calls, Front front, HttpRequest request, CallPermit permit, Target target) {
    this.calls = calls;
    this.front = front;
    this.request = request;
    this.permit = permit;
    this.target = target;
    this.tracingId = front.tracingId();
    this.meters = calls.metrics().job(permit.jobName(), permit.jobVersion());
    this.preferAsync = JobRequests.prefersAsync(request.headers());
    this.upgrade = JobRequests.isWebSocketUpgrade(request);
    this.original =
        preferAsync
            ? new DefaultHttpRequest(
                request.protocolVersion(),
                request.method(),
                request.uri(),
                request.headers().copy())
            : request;
  }

  void start() {
    if (!calls.concurrency().enter(permit)) {
      finished = true;
      front.respond(JobRequests.tooBusy(permit, tracingId));
      return;
    }
    slotTaken = true;
    meters.started();
    if (preferAsync) {
      kept = front.context().alloc().compositeBuffer();
    }
    Future<Channel> connection =
        calls.pool().acquire(front.context().channel().eventLoop(), permit.upstream(), this);
    if (connection.isDone()) {
      connected(connection);
    } else {
      connection.addListener(f -> connected(connection));
    }
  }

  private void connected(Future<Channel> connection) {
    if (!connection.isSuccess()) {
      failed(connection.cause());
      return;
    }
    upstream = connection.getNow();
    if (finished) {
      calls.pool().discard(upstream);
      return;
    }
    upstream.config().setAutoRead(front.writable());
    String secret = calls.secrets().secret(permit.jobName(), permit.jobVersion());
    upstream
        .write(
            JobRequests.forJob(request, permit, target, tracingId, front.clientAddress(), secret))
        .addListener(this::written);
    Duration timeout = permit.callTimeout().orElse(calls.defaultCallTimeout());
    front.callDeadline(this, timeout.toNanos(), () -> timedOut(timeout));
    front.more();
  }

  private void written(Future<? super Void> write) {
    if (!write.isSuccess()) {
      failed(write.cause());
    }
  }

  /** A piece of the request body from the client. */
  void content(HttpContent content) {
    if (finished || upstream == null) {
      content.release();
      return;
    }
    keep(content);
    if (content instanceof LastHttpContent) {
      requestSent = true;
      upstream.writeAndFlush(content).addListener(this::written);
      return;
    }
    ChannelFuture write = upstream.writeAndFlush(content);
    write.addListener(this::written);
    if (upstream.isWritable()) {
      front.more();
    } else {
      waitingWritable = true;
    }
  }

  /** With {@code Prefer: respond-async} the body is kept (bounded) to hand the call over later. */
  private void keep(HttpContent content) {
    if (kept == null) {
      return;
    }
    if (kept.readableBytes() + (long) content.content().readableBytes() > calls.maxBody()) {
      kept.release();
      kept = null;
      return;
    }
    kept.addComponent(true, content.content().retainedDuplicate());
  }

  @Override
  public void writabilityChanged(boolean writable) {
    if (writable && waitingWritable && !requestSent && !finished) {
      waitingWritable = false;
      front.more();
    }
  }

  void clientWritabilityChanged(boolean writable) {
    if (upstream != null && !finished) {
      upstream.config().setAutoRead(writable);
    }
  }

  @Override
  public void answer(HttpObject piece) {
    if (piece instanceof HttpResponse head) {
      if (head.status().code() == 101 && upgrade) {
        switchProtocols(head);
        return;
      }
      if (head.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
        return; // an interim answer (100 Continue): the real one follows
      }
      cancelDeadline();
      upstreamKeepAlive = HttpUtil.isKeepAlive(head);
      if (adoption != null) {
        adoption.head(head); // as the job sent it (the client's head is made from it in place)
      }
      answerHead = JobRequests.forClient(head, request, permit, target, calls.answerHeaders());
    }
    if (!(piece instanceof HttpContent content)) {
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      failed(content.decoderResult().cause());
      return;
    }
    if (adoption != null) {
      if (adoption.body(content, calls.maxBody())) {
        releaseUpstream();
      }
      return;
    }
    if (finished) {
      content.release();
      return;
    }
    if (!headWritten) {
      headWritten = true;
      front.answerHead(answerHead);
    }
    if (content instanceof LastHttpContent) {
      finish(answerHead.status().code());
      releaseUpstream();
      front.answerPiece(content); // may begin the client's next request: nothing may follow
      return;
    }
    front.answerPiece(content);
    if (!front.writable()) {
      upstream.config().setAutoRead(false);
    }
  }

  /**
   * The job accepted a websocket upgrade: its 101 goes to the client, then both connections drop
   * their HTTP handlers and relay bytes both ways until either side closes.
   */
  private void switchProtocols(HttpResponse head) {
    cancelDeadline();
    finish(101);
    Channel job = upstream;
    calls.pool().detach(job);
    front.switchProtocols(JobRequests.switching(head), job);
  }

  private void finish(int status) {
    finished = true;
    cancelDeadline();
    if (kept != null) {
      kept.release();
      kept = null;
    }
    if (slotTaken) {
      slotTaken = false;
      calls.concurrency().leave(permit);
    }
    meters.done(status, System.nanoTime() - started);
  }

  private void releaseUpstream() {
    if (upstreamKeepAlive && requestSent) {
      calls.pool().release(upstream);
    } else {
      calls.pool().discard(upstream);
    }
  }

  @Override
  public void failed(Throwable cause) {
    if (adoption != null) {
      adoption.failed(cause);
      adoption = null;
      if (upstream != null) {
        calls.pool().discard(upstream);
      }
      return;
    }
    if (finished) {
      return;
    }
    PubMetrics.ProxyFailure kind = ProxyFailures.failure(cause);
    calls.metrics().proxyError(kind);
    if (upstream != null) {
      calls.pool().discard(upstream);
    }
    if (headWritten) {
      finish(answerHead.status().code());
      front.abort();
      return;
    }
    if (kind == PubMetrics.ProxyFailure.CONNECTION_REFUSED) {
      calls.cache().invalidateJob(permit.jobName()); // the job moved or stopped: ask lifecycle next
    }
    int status = kind == PubMetrics.ProxyFailure.TIMEOUT ? 504 : 502;
    finish(status);
    front.respond(
        Answers.proxyError(
            status, "Reverse proxy error: " + ProxyFailures.cause(cause), permit, tracingId));
  }

  private void timedOut(Duration timeout) {
    if (finished || answerHead != null) {
      return;
    }
    String limit =
        "job "
            + permit.jobName()
            + " "
            + permit.jobVersion()
            + " did not answer within its call_timeout of "
            + JobRequests.describe(timeout);
    if (preferAsync && requestSent && kept != null) {
      adopt(limit);
      return;
    }
    calls.metrics().proxyError(PubMetrics.ProxyFailure.TIMEOUT);
    if (upstream != null) {
      calls.pool().discard(upstream);
    }
    finish(504);
    front.respond(Answers.proxyError(504, limit, permit, tracingId));
  }

  /** The call outlived its timeout and the caller prefers an async task: hand it over. */
  private void adopt(String limit) {
    adoption = new Adoption();
    byte[] body = ByteBufUtil.getBytes(kept);
    PubRequest pubRequest = Gateway.pubRequest(original, front, target.routed(), body);
    finish(202);
    CompletableFuture<PubAnswer> task;
    try {
      task =
          calls
              .async()
              .adopt(
                  permit.jobName(),
                  permit.jobVersion(),
                  target.jobPath(),
                  pubRequest,
                  adoption.answer);
    } catch (RuntimeException e) {
      task = CompletableFuture.failedFuture(e);
    }
    task.whenComplete(
        (accepted, failure) ->
            front
                .context()
                .executor()
                .execute(
                    () -> {
                      if (failure == null) {
                        front.respond(Answers.of(accepted));
                        return;
                      }
                      adoption = null;
                      if (upstream != null) {
                        calls.pool().discard(upstream);
                      }
                      calls.metrics().proxyError(PubMetrics.ProxyFailure.TIMEOUT);
                      front.respond(Answers.proxyError(504, limit, permit, tracingId));
                    }));
  }

  private void cancelDeadline() {
    front.clearCallDeadline(this);
  }

  /** The client went away: the call is dropped (unless an async task took it over). */
  void clientGone() {
    if (adoption != null || finished) {
      return;
    }
    calls.metrics().proxyError(PubMetrics.ProxyFailure.CANCELED);
    if (upstream != null) {
      calls.pool().discard(upstream);
    }
    finished = true;
    cancelDeadline();
    if (kept != null) {
      kept.release();
      kept = null;
    }
    if (slotTaken) {
      slotTaken = false;
      calls.concurrency().leave(permit);
    }
  }

  /** A call an async task took over: the job's answer is collected whole for it. */
  private static final class Adoption {
    private final CompletableFuture<PubAnswer> answer = new CompletableFuture<>();
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    private int status = 502;

    void head(HttpResponse head) {
      status = head.status().code();
      head.headers().forEach(headers::add);
    }

    /** Adds a piece; true when the answer is complete. */
    boolean body(HttpContent content, long limit) {
      try {
        if (body.size() + (long) content.content().readableBytes() > limit) {
          answer.completeExceptionally(
              new IllegalStateException("the job's answer is larger than " + limit + " bytes"));
          return true;
        }
        content.content().readBytes(body, content.content().readableBytes());
      } catch (java.io.IOException e) {
        answer.completeExceptionally(e);
        return true;
      } finally {
        content.release();
      }
      if (content instanceof LastHttpContent) {
        answer.complete(new PubAnswer(status, headers, body.toByteArray()));
        return true;
      }
      return false;
    }

    void failed(Throwable cause) {
      answer.completeExceptionally(cause);
    }
  }
}
