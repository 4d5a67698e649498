package dev.racetrack.pub;

import dev.racetrack.pub.upstream.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.time.Duration;

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
  private final RouteMemo.PerJob job;
  private final CallSlot slot;
  private final boolean preferAsync;
  private final boolean upgrade;

  private Channel upstream;
  private HttpRequest jobHead; // the job's request head until it is written with the body
  private HttpResponse answerHead;
  private boolean upstreamKeepAlive;
  private boolean requestSent;
  private boolean headWritten;
  private boolean waitingWritable;
  private boolean finished;
  private LateCall late; // with Prefer: respond-async, what an async task needs to take it over

  ProxyCall(JobCalls calls, Front front, HttpRequest request, CallPermit permit, Target target) {
    this.calls = calls;
    this.front = front;
    this.request = request;
    this.permit = permit;
    this.target = target;
    this.tracingId = front.tracingId();
    this.job = calls.perJob(front.client().memo(), permit);
    this.slot = new CallSlot(calls.concurrency(), permit, job.meters());
    this.preferAsync = JobRequests.prefersAsync(request.headers());
    this.upgrade = JobRequests.isWebSocketUpgrade(request);
  }

  void start() {
    if (!slot.take()) {
      finished = true;
      front.respond(JobRequests.tooBusy(permit, tracingId));
      return;
    }
    if (preferAsync) {
      late = new LateCall(calls, front, request);
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
    // written with the first piece of the body (at once when the codec already holds it)
    jobHead =
        JobRequests.forJob(
            request,
            permit,
            target,
            new JobRequests.Hop(
                tracingId, front.client().address(), front.client().tls(), job.secret()));
    Duration timeout = permit.callTimeout().orElse(calls.defaultCallTimeout());
    front.timer().callDeadline(this, timeout.toNanos(), () -> timedOut(timeout));
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
    if (late != null) {
      late.keep(content);
    }
    HttpRequest head = jobHead;
    jobHead = null;
    if (content instanceof LastHttpContent last) {
      requestSent = true;
      upstream
          .writeAndFlush(head == null ? last : whole(head, last)) // most requests: one message
          .addListener(this::written);
      return;
    }
    if (head != null) {
      upstream.write(head).addListener(this::written);
    }
    ChannelFuture write = upstream.writeAndFlush(content);
    write.addListener(this::written);
    if (upstream.isWritable()) {
      front.more();
    } else {
      waitingWritable = true;
    }
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
      if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return; // an interim answer (100 Continue): the real one follows
      }
      front.timer().clearCallDeadline(this);
      upstreamKeepAlive = HttpUtil.isKeepAlive(head);
      if (adopted()) {
        late.head(head); // as the job sent it (the client's head is made from it in place)
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
    if (adopted()) {
      if (late.body(content)) {
        releaseUpstream();
      }
      return;
    }
    if (finished) {
      content.release();
      return;
    }
    boolean first = !headWritten;
    headWritten = true;
    if (content instanceof LastHttpContent last) {
      finish(answerHead.status().code());
      releaseUpstream();
      // may begin the client's next request: nothing may follow
      if (first) {
        front.respond(whole(answerHead, last)); // the whole answer at once (most answers)
      } else {
        front.answerPiece(last);
      }
      return;
    }
    if (first) {
      front.answerHead(answerHead);
    }
    front.answerPiece(content);
    if (!front.writable()) {
      upstream.config().setAutoRead(false);
    }
  }

  /** The request's head and its one piece of body as one message (the piece's buffer). */
  private static FullHttpRequest whole(HttpRequest head, LastHttpContent body) {
    return new DefaultFullHttpRequest(
        head.protocolVersion(),
        head.method(),
        head.uri(),
        body.content(),
        head.headers(),
        body.trailingHeaders());
  }

  /**
   * The answer's head and its one piece of body as one message (the piece's buffer, not a copy).
   */
  private static FullHttpResponse whole(HttpResponse head, LastHttpContent body) {
    return new DefaultFullHttpResponse(
        head.protocolVersion(),
        head.status(),
        body.content(),
        head.headers(),
        body.trailingHeaders());
  }

  /**
   * The job accepted a websocket upgrade: its 101 goes to the client, then both connections drop
   * their HTTP handlers and relay bytes both ways until either side closes.
   */
  private void switchProtocols(HttpResponse head) {
    front.timer().clearCallDeadline(this);
    finish(101);
    Channel job = upstream;
    calls.pool().detach(job);
    front.switchProtocols(JobRequests.switching(head), job);
  }

  private void finish(int status) {
    end();
    slot.done(status);
  }

  /** The call ends: no deadline, no kept request, its place among the job's calls given back. */
  private void end() {
    finished = true;
    front.timer().clearCallDeadline(this);
    if (late != null) {
      late.release();
    }
    slot.giveBack();
  }

  private void releaseUpstream() {
    calls.pool().giveBack(upstream, upstreamKeepAlive && requestSent);
  }

  @Override
  public void failed(Throwable cause) {
    if (adopted()) {
      late.failed(cause);
      discardUpstream();
      return;
    }
    if (finished) {
      return;
    }
    PubMetrics.ProxyFailure kind = ProxyFailures.failure(cause);
    calls.metrics().proxyError(kind);
    discardUpstream();
    if (headWritten) {
      finish(answerHead.status().code());
      front.abort();
      return;
    }
    if (kind == PubMetrics.ProxyFailure.CONNECTION_REFUSED) {
      calls.cache().invalidateJob(permit.jobName()); // the job moved or stopped: ask lifecycle next
    }
    FullHttpResponse answer = ProxyFailures.answer(kind, cause, permit, tracingId);
    finish(answer.status().code());
    front.respond(answer);
  }

  private void timedOut(Duration timeout) {
    if (finished || answerHead != null) {
      return;
    }
    String limit = ProxyFailures.timeout(permit, timeout);
    if (late != null && requestSent && late.adoptable()) {
      late.adopt(permit, target, () -> tooLate(limit)); // or 504 if no task takes it
      finish(202);
      return;
    }
    finish(504);
    tooLate(limit);
  }

  /** 504: the job did not start answering within its call timeout. */
  private void tooLate(String limit) {
    calls.metrics().proxyError(PubMetrics.ProxyFailure.TIMEOUT);
    discardUpstream();
    front.respond(Answers.proxyError(504, limit, permit, tracingId));
  }

  private void discardUpstream() {
    if (upstream != null) {
      calls.pool().discard(upstream);
    }
  }

  private boolean adopted() {
    return late != null && late.adopted();
  }

  /** The client went away: the call is dropped (unless an async task took it over). */
  void clientGone() {
    if (adopted() || finished) {
      return;
    }
    calls.metrics().proxyError(PubMetrics.ProxyFailure.CANCELED);
    discardUpstream();
    end();
  }
}
